import { z } from 'zod';
import { ConfigError, readJsonSetting } from '../../config/define-settings';
import type { MenuItem } from './menu-item';

export type { MenuItem };

const menuItem: z.ZodType<MenuItem> = z.lazy(() =>
  z.object({
    id: z.string().regex(/^[a-z][\w.-]{0,99}$/),
    label: z.string().min(1).max(100),
    path: z.string().startsWith('/'),
    roles: z.array(z.string().min(1).max(50)).min(1).optional(),
    children: z.array(menuItem).optional(),
  }).strict(),
);
const menuFile = z.object({ items: z.array(menuItem) }).strict();

/** Reads and validates an app's menu tree at boot; a broken file stops start-up, naming MENU_FILE and each problem. */
export function loadMenu(file: string): readonly MenuItem[] {
  const parsed = menuFile.safeParse(readJsonSetting('MENU_FILE', file));
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => `MENU_FILE (${file}): ${issue.path.join('.') || 'file'}: ${issue.message}`));
  return Object.freeze(parsed.data.items);
}

/** Every menu id in the tree, e.g. to check a profile's `lastMenu`. */
export function menuIds(items: readonly MenuItem[]): Set<string> {
  const ids = new Set<string>();
  const walk = (list: readonly MenuItem[]) => list.forEach((i) => (ids.add(i.id), i.children && walk(i.children)));
  walk(items);
  return ids;
}
