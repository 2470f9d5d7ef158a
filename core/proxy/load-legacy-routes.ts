import { z } from 'zod';
import { ConfigError, readJsonSetting } from '../../config/define-settings';
import { legacyRouteSchema, type LegacyRoute } from './legacy-route-schema';

const tableSchema = z.object({ routes: z.array(z.unknown()) }).strict();
const PLACEHOLDER = /\$\{([A-Z0-9_]+)\}/g;

/** `${NAME}` in a target becomes the configured value; an unknown name is an error. */
function substitute(value: unknown, vars: Record<string, string>, problems: string[], where: string): unknown {
  if (typeof value !== 'string') return value;
  return value.replace(PLACEHOLDER, (whole, name: string) => {
    if (vars[name] !== undefined) return vars[name];
    problems.push(`${where}: target: unknown placeholder ${whole}`);
    return whole;
  });
}

/** Two prefixes overlap when one is the other or a parent of it: the match would depend on order. */
const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

/**
 * Reads and validates a routing table at boot. Every bad row is reported, named by its index and
 * path, in one ConfigError — the app does not start with a table it would have to guess about.
 */
export function loadLegacyRoutes(file: string, vars: Record<string, string>): readonly LegacyRoute[] {
  const label = `LEGACY_ROUTES_FILE (${file})`;
  const table = tableSchema.safeParse(readJsonSetting('LEGACY_ROUTES_FILE', file));
  if (!table.success) throw new ConfigError([`${label}: must be { "routes": [ … ] }`]);

  const problems: string[] = [];
  const routes: LegacyRoute[] = [];
  table.data.routes.forEach((raw, i) => {
    const rowPath = (raw as { path?: unknown })?.path;
    const where = `${label}: row ${i} (${typeof rowPath === 'string' ? rowPath : '?'})`;
    const input = raw && typeof raw === 'object' ? { ...raw, target: substitute((raw as { target?: unknown }).target, vars, problems, where) } : raw;
    const row = legacyRouteSchema.safeParse(input);
    if (!row.success) {
      problems.push(...row.error.issues.map((issue) => `${where}: ${issue.path.join('.') || 'row'}: ${issue.message}`));
      return;
    }
    const clash = routes.find((r) => overlaps(r.path, row.data.path));
    if (clash) problems.push(`${where}: path: overlaps the row for ${clash.path}`);
    routes.push(row.data);
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(routes);
}
