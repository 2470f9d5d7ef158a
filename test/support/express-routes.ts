import type { Express } from 'express';

type Layer = { route?: { path: unknown; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; rawPath?: unknown };

/**
 * Every route an Express 5 app serves, as `METHOD /path/{param}`, read from its router's layers
 * (mounted routers included, their mount path prefixed). A route on a regular expression is
 * listed as `METHOD /<regex>`, so a caller sees it rather than missing it.
 */
export function expressRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      const at = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : layer.rawPath instanceof RegExp ? `/<${layer.rawPath.source}>` : '';
      if (layer.route) {
        const path = layer.route.path instanceof RegExp ? `/<${layer.route.path.source}>` : `${prefix}${String(layer.route.path)}`.replace(/(.)\/$/, '$1');
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) found.push(`${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, `${prefix}${at}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...new Set(found)].sort();
}
