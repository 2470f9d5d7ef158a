import type { Express } from 'express';

/** One route an app answers: its method and its path as Express declared it (`/api/files/:fileId`). */
export interface DeclaredRoute {
  method: string;
  path: string;
}

interface StackLayer {
  rawPath?: string | RegExp | (string | RegExp)[];
  route?: { path: string | string[]; methods: Record<string, boolean>; stack: StackLayer[] };
  handle?: { stack?: StackLayer[] };
}

const join = (prefix: string, path: string) => (path === '/' ? prefix || '/' : `${prefix}${path}`.replace(/\/{2,}/g, '/'));

/**
 * The routes of an app built by its factory, read from Express's own router stacks (Express 5 /
 * router 2: `app.router.stack`, nested routers' `handle.stack`, a layer's `rawPath`), so that a
 * route added anywhere is found without being listed by hand. Method-less `use` middleware is not a
 * route; `all` routes show as method `_all`.
 */
export function routeTable(app: Express): DeclaredRoute[] {
  const found: DeclaredRoute[] = [];
  const walk = (stack: StackLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = ([] as (string | RegExp)[]).concat(layer.route.path);
        for (const path of paths) for (const method of Object.keys(layer.route.methods)) found.push({ method: method.toUpperCase(), path: join(prefix, String(path)) });
      } else if (layer.handle?.stack) {
        const raw = ([] as (string | RegExp)[]).concat(layer.rawPath ?? '/');
        for (const path of raw) walk(layer.handle.stack, path === '/' ? prefix : join(prefix, String(path)));
      }
    }
  };
  walk((app as unknown as { router: { stack: StackLayer[] } }).router.stack, '');
  const seen = new Set<string>();
  return found.filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
}
