import { z } from 'zod';
import { bool, int, parseSettings, settingsTable, url, type Settings, type SettingValues } from './define-settings';

/** The three contract services (SPEC §2). Each reads its own `<SERVICE>_…` variables. */
export const SERVICE_NAMES = ['ppon', 'inetaplca', 'intelnet'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const DEFAULT_PORTS: Record<ServiceName, number> = { ppon: 8081, inetaplca: 8082, intelnet: 8083 };

const optionalUrl = () =>
  z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(z.string().url().optional());

/** One entry per key; `env` is the variable name without the `<SERVICE>_` prefix. */
function serviceSettings(prefix: string) {
  const key = (name: string) => `${prefix}_${name}`;
  return {
    port: { env: key('PORT'), schema: int(0, 65535), description: 'HTTP port (0 picks a free one)', defaultText: '8081 / 8082 / 8083' },
    dbKind: {
      env: key('DB_KIND'),
      schema: z.enum(['sqlite', 'mariadb']),
      description: 'Database engine: embedded SQLite (zero install) or MariaDB (the source\'s choice)',
    },
    sqliteFile: { env: key('SQLITE_FILE'), schema: z.string().min(1), description: 'SQLite file (WAL mode) when DB_KIND=sqlite', defaultText: '`./data/<service>.sqlite`' },
    mariadbUrl: {
      env: key('MARIADB_URL'),
      schema: z.string().regex(/^mysql:\/\/[^/]+\/[A-Za-z0-9_]+$/, 'must be mysql://user[:password]@host:port/database'),
      description: 'MariaDB URL when DB_KIND=mariadb; the database is created if missing',
      defaultText: '`mysql://root@127.0.0.1:3306/sa_<service>`',
    },
    redisUrl: { env: key('REDIS_URL'), schema: optionalUrl(), description: 'Redis for the read-through contract cache; unset or unreachable = caching off' },
    cacheTtlSeconds: { env: key('CACHE_TTL_SECONDS'), schema: int(1, 86_400), description: 'Lifetime of a cached contract (`<SERVICE>_CONT_KEY<no>`)' },
    cacheKeyPrefix: { env: key('CACHE_KEY_PREFIX'), schema: z.string().max(100), description: 'Prefix put before every cache key (lets deployments share one Redis)', defaultText: '(none)' },
    inetaplcaUrl: { env: key('INETAPLCA_URL'), schema: url(), description: 'MS2 base URL (used by ppon, the orchestrator)' },
    intelnetUrl: { env: key('INTELNET_URL'), schema: url(), description: 'MS3 base URL (used by ppon, the orchestrator)' },
    participantTimeoutMs: {
      env: key('PARTICIPANT_TIMEOUT_MS'),
      schema: int(50, 120_000),
      description: 'Time a saga participant has to answer; past it the call is a FALLBACK failure',
    },
    compensationRetries: { env: key('COMPENSATION_RETRIES'), schema: int(0, 10), description: 'Retries of a failed compensation before the saga ends COMPENSATION_FAILED' },
    compensationBackoffMs: { env: key('COMPENSATION_BACKOFF_MS'), schema: int(1, 60_000), description: 'First retry delay of a compensation; grows exponentially (jittered) per retry' },
    drillsAllowed: {
      env: key('DRILLS_ALLOWED'),
      schema: bool(),
      description: 'Accept `compensateYn: "Y"` (MS3 fails on purpose); otherwise 400 DRILL_NOT_ALLOWED',
      defaultText: '`true` unless `NODE_ENV=production`',
    },
    logLevel: { env: key('LOG_LEVEL'), schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), description: 'pino log level' },
  } satisfies Settings;
}

type ServiceSettings = ReturnType<typeof serviceSettings>;
export type ServiceConfig = SettingValues<ServiceSettings> & { readonly name: ServiceName };

function serviceDefaults(name: ServiceName, env: Record<string, string | undefined>) {
  return {
    port: DEFAULT_PORTS[name],
    dbKind: 'sqlite',
    sqliteFile: `./data/${name}.sqlite`,
    mariadbUrl: `mysql://root@127.0.0.1:3306/sa_${name}`,
    cacheTtlSeconds: 300,
    cacheKeyPrefix: '',
    inetaplcaUrl: `http://localhost:${DEFAULT_PORTS.inetaplca}`,
    intelnetUrl: `http://localhost:${DEFAULT_PORTS.intelnet}`,
    participantTimeoutMs: 3000,
    compensationRetries: 3,
    compensationBackoffMs: 200,
    drillsAllowed: env.NODE_ENV !== 'production',
    logLevel: 'info',
  } satisfies Partial<Record<keyof ServiceSettings, unknown>>;
}

/**
 * Parses one service's configuration from `env` (`PPON_PORT`, `INETAPLCA_DB_KIND`, …), throwing one
 * ConfigError that names every bad key. The result is frozen.
 */
export function loadServiceConfig(name: ServiceName, env: Record<string, string | undefined> = process.env): ServiceConfig {
  const values = parseSettings(serviceSettings(name.toUpperCase()), env, serviceDefaults(name, env));
  return Object.freeze({ ...values, name });
}

/** The README's configuration table (`<SERVICE>` is PPON, INETAPLCA or INTELNET). */
export function serviceConfigTable(): string {
  const defaults: Record<string, unknown> = serviceDefaults('ppon', {});
  return settingsTable(serviceSettings('<SERVICE>'), defaults);
}

/** Key descriptions for documentation: variable (with `<SERVICE>_` prefix) and meaning. */
export const serviceConfigKeys = Object.values(serviceSettings('<SERVICE>')).map((s) => ({ env: s.env, description: s.description }));
