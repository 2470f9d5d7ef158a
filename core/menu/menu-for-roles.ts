/** A menu entry as far as visibility goes (core/menu/load-menu.ts has the whole shape). */
interface Visible<T> {
  roles?: string[];
  children?: T[];
}

/**
 * The menu a user with these roles sees: items naming other roles are left out, with their
 * children. Pure, so the screens use it too (web/shared/menu.ts).
 */
export function menuForRoles<T extends Visible<T>>(items: readonly T[], roles: readonly string[]): T[] {
  return items.filter((item) => !item.roles || item.roles.some((r) => roles.includes(r))).map((item) => (item.children ? { ...item, children: menuForRoles(item.children, roles) } : item));
}
