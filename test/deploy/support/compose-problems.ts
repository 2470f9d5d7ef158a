import { PROCESSES, DRAIN_DEFAULTS, seconds } from './drain-settings';

type Service = {
  image?: string;
  build?: unknown;
  command?: string[];
  healthcheck?: { test?: unknown; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
  environment?: Record<string, string>;
  volumes?: string[];
  stop_grace_period?: string;
};
export type Compose = { services: Record<string, Service>; volumes?: Record<string, unknown> };

/** Services no app waits for (tracing is best effort): they need no health check. */
const OPTIONAL = new Set(['jaeger']);

/**
 * What docker/compose.yaml must hold (docs/deployment.md): health checks and start conditions,
 * volumes for Redis, MariaDB and the files, one database user per service created by the init
 * script, and a stop grace period longer than the drain. Returns every problem found.
 */
export function composeProblems(compose: Compose, initScript: string, filesDir: string): string[] {
  const problems: string[] = [];
  const services = compose.services;
  const named = (s: Service, mountPath: string) =>
    (s.volumes ?? []).some((v) => {
      const [source, target] = v.split(':');
      return target === mountPath && Boolean(compose.volumes && source in compose.volumes);
    });

  for (const [name, s] of Object.entries(services)) {
    if (!OPTIONAL.has(name) && (!s.healthcheck?.test || s.healthcheck.disable)) problems.push(`${name}: no healthcheck`);
    const deps = s.depends_on ?? {};
    if (Array.isArray(deps)) {
      if (deps.length) problems.push(`${name}: depends_on without conditions (${deps.join(', ')})`);
      continue;
    }
    for (const [dep, { condition } = {}] of Object.entries(deps)) {
      if (condition !== 'service_healthy') problems.push(`${name}: depends_on ${dep} is not condition: service_healthy`);
      if (!services[dep]?.healthcheck?.test) problems.push(`${name}: depends on ${dep}, which has no healthcheck`);
    }
  }
  if (!services.redis || !named(services.redis, '/data')) problems.push('redis: no named volume on /data');
  if (!services.mariadb || !named(services.mariadb, '/var/lib/mysql')) problems.push('mariadb: no named volume on /var/lib/mysql');
  if (!(services.mariadb?.volumes ?? []).some((v) => v.split(':')[1] === '/docker-entrypoint-initdb.d')) problems.push('mariadb: the init script is not mounted');

  const users = new Map<string, string>();
  for (const p of PROCESSES) {
    const s = services[p.name];
    if (!s) {
      problems.push(`${p.name}: missing`);
      continue;
    }
    if (!s.command?.includes(p.script)) problems.push(`${p.name}: does not run ${p.script}`);
    const env = s.environment ?? {};
    const delay = Number(env[`${p.prefix}SHUTDOWN_DELAY_MS`] ?? DRAIN_DEFAULTS.delayMs);
    const grace = Number(env[`${p.prefix}SHUTDOWN_GRACE_MS`] ?? DRAIN_DEFAULTS.graceMs);
    if (!s.stop_grace_period || seconds(s.stop_grace_period) * 1000 <= delay + grace) problems.push(`${p.name}: stop_grace_period must exceed ${p.prefix}SHUTDOWN_DELAY_MS + ${p.prefix}SHUTDOWN_GRACE_MS (${delay + grace} ms)`);
    if (p.prefix === '') {
      if (!(s.volumes ?? []).some((v) => filesDir.startsWith(`${v.split(':')[1]}/`) && compose.volumes && v.split(':')[0] in compose.volumes)) problems.push(`${p.name}: no named volume holds FILES_DIR (${filesDir})`);
      continue;
    }
    const url = env[`${p.prefix}MARIADB_URL`];
    const m = url?.match(/^mysql:\/\/([^:@]+)(?::[^@]*)?@[^/]+\/(\w+)$/);
    if (!m) {
      problems.push(`${p.name}: no ${p.prefix}MARIADB_URL`);
      continue;
    }
    const [, user, database] = m;
    if (user === 'root') problems.push(`${p.name}: connects as root`);
    if (users.has(user)) problems.push(`${p.name}: shares the database user ${user} with ${users.get(user)}`);
    users.set(user, p.name);
    const created = new RegExp(`^create ${database} ${user} `, 'm').test(initScript);
    if (!created) problems.push(`${p.name}: the init script does not create user ${user} on ${database}`);
  }
  return problems;
}
