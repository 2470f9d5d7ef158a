/** One entry of an app's menu (config/menus/*.json); no imports, so the screens share the type. */
export interface MenuItem {
  id: string;
  label: string;
  path: string;
  /** Only these roles see the item (and its children); absent: everyone signed in. */
  roles?: string[];
  children?: MenuItem[];
}
