import { useEffect, useMemo, useState } from 'react';
import { menuForRoles } from '../../core/menu/menu-for-roles';
import type { MenuItem } from '../../core/menu/menu-item';
import { api } from './api';

export type { MenuItem };

export interface Menu {
  items: MenuItem[];
  /** The BFF allows this user a compensation drill (config and role); absent means no. */
  drillAllowed?: boolean;
}

let loaded: Promise<Menu> | null = null;

/** /api/menu, asked once per page; the menu is filtered by role here too (the BFF may already have). */
export function useMenu(roles: string[]): Menu | null {
  const [menu, setMenu] = useState<Menu | null>(null);
  useEffect(() => {
    loaded ??= api<Menu>('/api/menu').catch(() => {
      loaded = null;
      return { items: [] };
    });
    let live = true;
    void loaded.then((m) => live && setMenu(m));
    return () => {
      live = false;
    };
  }, []);
  return useMemo(() => menu && { ...menu, items: menuForRoles(menu.items, roles) }, [menu, roles]);
}
