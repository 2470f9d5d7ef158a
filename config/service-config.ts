import { z } from 'zod';
import { DEFAULT_NOTICE_CHANNEL } from '../lib/notices/change-notice';
import { ConfigError, bool, int, parseSettings, settingsTable, url, type Settings, type SettingValues } from './define-settings';

/** The three contract services (docs/services.md). Each reads its own `<SERVICE>_…` variables. */
export const SERVICE_NAMES = ['ppon', 'inetaplca', 'intelnet'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The dev SSO's secret of `contract-ppon` (config/dev-sso/clients.json); refused in production. */
export const DEV_PPON_SECRET = 'dev-only-contract-ppon-secret';

const DEFAULT_PORTS: Record<ServiceName, number> = { ppon: 8081, inetaplca: 8082, intelnet: 8083 };

const optionalUrl = () =>
  z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(z.string().url().optional());

/** One entry per key; `env` is the variable name without the `<SERVICE>_` prefix. */
export function serviceSettings(prefix: string) {
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
    compensationRetries: {
      env: key('COMPENSATION_RETRIES'),
      schema: int(0, 10),
      description: 'Compensation retries made at once (in the API request; broker mode: before the error escalates); afterwards the saga stays COMPENSATING and MS1 keeps retrying',
    },
    compensationBackoffMs: { env: key('COMPENSATION_BACKOFF_MS'), schema: int(1, 60_000), description: 'First retry delay of a compensation; doubles (jittered) per attempt up to COMPENSATION_BACKOFF_MAX_MS' },
    compensationBackoffMaxMs: { env: key('COMPENSATION_BACKOFF_MAX_MS'), schema: int(1, 86_400_000), description: 'Cap of the compensation retry delay; a compensation is retried at least this often, forever, with an error log line each time' },
    drillsAllowed: {
      env: key('DRILLS_ALLOWED'),
      schema: bool(),
      description: 'Accept `compensateYn: "Y"` (MS3 fails on purpose); otherwise 400 DRILL_NOT_ALLOWED',
      defaultText: '`true` unless `NODE_ENV=production`',
    },
    eventBus: {
      env: key('EVENT_BUS'),
      schema: z.enum(['redis', 'kafka', 'memory']).optional(),
      description: 'Broker of the broker-mode saga: Redis Streams, Kafka, or in-process (one process only, zero install)',
      defaultText: '`redis` when REDIS_URL is set, else `memory`',
    },
    eventTopicPrefix: {
      env: key('EVENT_TOPIC_PREFIX'),
      schema: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be 1-100 of A-Za-z0-9._-'),
      description: 'Prefix of every topic / stream name (as in the source design: docs/source-design.md#saga-broker-mode); the same in all three services',
    },
    kafkaBrokers: {
      env: key('KAFKA_BROKERS'),
      schema: z.string().regex(/^[^,\s]+(,[^,\s]+)*$/, 'must be host:port[,host:port…]').transform((v) => v.split(',')),
      description: 'Kafka bootstrap brokers when EVENT_BUS=kafka',
    },
    kafkaPartitions: {
      env: key('KAFKA_PARTITIONS'),
      schema: int(1, 1000),
      description: 'Partitions of each topic the service creates at start when EVENT_BUS=kafka (existing topics are left as they are)',
    },
    eventMaxDeliveries: { env: key('EVENT_MAX_DELIVERIES'), schema: int(1, 100), description: 'Deliveries of a message whose handler keeps failing before it goes to the dead-letter topic' },
    eventRedeliverMs: { env: key('EVENT_REDELIVER_MS'), schema: int(50, 600_000), description: 'Idle time after which an unacknowledged message (failed, or held by a dead consumer) is delivered again' },
    outboxPollMs: { env: key('OUTBOX_POLL_MS'), schema: int(10, 60_000), description: 'How often the outbox relay looks for unsent events that no process is publishing (a writer publishes its own at once, after its commit)' },
    noticeChannel: {
      env: key('NOTICE_CHANNEL'),
      schema: z.string().regex(/^[A-Za-z0-9:._-]{1,100}$/, 'must be 1-100 of A-Za-z0-9:._-'),
      description: "Redis pub/sub channel (on REDIS_URL) of the change notices the BFFs listen to: a saga's log or a contract changed (the BFF's CHANGE_NOTICE_CHANNEL)",
    },
    outboxClaimMs: {
      env: key('OUTBOX_CLAIM_MS'),
      schema: int(100, 600_000),
      description: 'How long a relay holds the outbox rows it claimed before another relay may publish them (a relay that dies or hangs past it causes duplicates, never a loss)',
    },
    jobLeaseMs: {
      env: key('JOB_LEASE_MS'),
      schema: int(100, 600_000),
      description: 'Lease of a periodic job (purge, saga sweeper) among the processes of one service on one database: the holder renews it each run; another process takes over once it lapses',
    },
    outboxRelay: { env: key('OUTBOX_RELAY'), schema: bool(), description: 'Run the outbox relay in this process (off: events wait in the outbox table)' },
    sagaDeadlineMs: {
      env: key('SAGA_DEADLINE_MS'),
      schema: int(100, 3_600_000),
      description: 'Deadline of an API-mode saga (keep it above 2 × PARTICIPANT_TIMEOUT_MS) and of each broker-mode step or compensation attempt; past it MS1 compensates',
    },
    sagaSweepMs: { env: key('SAGA_SWEEP_MS'), schema: int(10, 60_000), description: 'How often MS1 looks for sagas past their deadline and compensations due (both modes)' },
    eventRetentionMs: {
      env: key('EVENT_RETENTION_MS'),
      schema: int(1000, 31_536_000_000),
      description: 'Age after which sent outbox rows and processed-message rows are purged (keep it far above any redelivery delay)',
    },
    guardRetentionMs: {
      env: key('GUARD_RETENTION_MS'),
      schema: int(1000, 31_536_000_000),
      description: 'Age after which a participant purges its saga-guard tombstones (a compensation for a saga that applied nothing there); keep it above the latest a forward step can arrive',
    },
    purgeEveryMs: { env: key('PURGE_EVERY_MS'), schema: int(100, 86_400_000), description: 'How often the purge of old outbox and processed-message rows runs' },
    faultFailRate: { env: key('FAULT_FAIL_RATE'), schema: z.coerce.number().min(0).max(1), description: 'Test hook: share of broker-mode forward steps this participant fails on purpose' },
    faultCompensationFailures: { env: key('FAULT_COMPENSATION_FAILURES'), schema: int(0, 1_000_000), description: 'Test hook: the first N broker-mode compensations this participant fails on purpose' },
    faultDuplicateRate: { env: key('FAULT_DUPLICATE_RATE'), schema: z.coerce.number().min(0).max(1), description: 'Test hook: share of outbox events the relay publishes twice' },
    faultDelayRate: { env: key('FAULT_DELAY_RATE'), schema: z.coerce.number().min(0).max(1), description: 'Test hook: share of outbox events the relay holds back FAULT_DELAY_MS before publishing (those after it wait too)' },
    faultDelayMs: { env: key('FAULT_DELAY_MS'), schema: int(0, 600_000), description: 'Test hook: how long a delayed event is held back' },
    faultSeed: { env: key('FAULT_SEED'), schema: int(0, 2_147_483_647), description: 'Test hook: seed of the fault hooks\' random choices' },
    // Identity: the contract services authenticate every call (docs/identity.md#who-may-call-the-contract-services).
    ssoIssuer: { env: key('SSO_ISSUER'), schema: url(), description: "The SSO whose access tokens (JWT) this service accepts; its keys come from the issuer's discovery document (JWKS, cached)" },
    ssoAudience: { env: key('SSO_AUDIENCE'), schema: z.string().min(1), description: 'The `aud` every access token must name' },
    ssoAlgorithms: {
      env: key('SSO_ALGORITHMS'),
      schema: z.string().regex(/^(RS|PS|ES)(256|384|512)(,(RS|PS|ES)(256|384|512))*$/, 'comma-separated asymmetric JWS algorithms (RS*, PS*, ES*)').transform((v) => v.split(',')),
      description: 'Signature algorithms accepted on access tokens (allow-list; `none` and HMAC are never accepted)',
    },
    ssoClientId: { env: key('SSO_CLIENT_ID'), schema: z.string().min(1), description: "This service's own client at the SSO (client credentials): MS1 calls MS2/MS3 with its token, role `saga`" },
    ssoClientSecret: { env: key('SSO_CLIENT_SECRET'), schema: z.string().min(16), description: 'Secret of SSO_CLIENT_ID. The dev secret is refused in production', defaultText: 'dev secret (refused in production)' },
    ssoTimeoutMs: { env: key('SSO_TIMEOUT_MS'), schema: int(100, 60_000), description: 'Timeout of discovery, JWKS and token calls to the SSO' },
    logLevel: { env: key('LOG_LEVEL'), schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), description: 'pino log level' },
    // Graceful drain and operator endpoints (docs/operations.md).
    shutdownDelayMs: { env: key('SHUTDOWN_DELAY_MS'), schema: int(0, 600_000), description: 'On SIGTERM /readyz answers 503 at once and the service keeps serving this long (endpoints drop it first)', defaultText: '`5000` in production, else `0`' },
    shutdownGraceMs: { env: key('SHUTDOWN_GRACE_MS'), schema: int(0, 600_000), description: 'Then it stops accepting, finishes calls in flight, stops its consumers (offsets committed), relay and sweepers, and exits within this' },
    adminPort: { env: key('ADMIN_PORT'), schema: int(0, 65535).optional(), description: 'When set, /metrics (and /metrics/saga) are served on this port only; /healthz and /readyz stay on PORT', defaultText: '(unset: all on PORT)' },
  } satisfies Settings;
}

type ServiceSettings = ReturnType<typeof serviceSettings>;
export type EventBusKind = 'redis' | 'kafka' | 'memory';
export type ServiceConfig = Omit<SettingValues<ServiceSettings>, 'eventBus'> & { readonly name: ServiceName; readonly eventBus: EventBusKind };

export function serviceDefaults(name: ServiceName, env: Record<string, string | undefined>) {
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
    compensationBackoffMaxMs: 300_000,
    drillsAllowed: env.NODE_ENV !== 'production',
    eventTopicPrefix: 'sa-app-samp-ppon-cont-',
    kafkaBrokers: 'localhost:9092',
    kafkaPartitions: 6,
    eventMaxDeliveries: 5,
    eventRedeliverMs: 5000,
    outboxPollMs: 200,
    noticeChannel: DEFAULT_NOTICE_CHANNEL,
    outboxClaimMs: 10_000,
    jobLeaseMs: 10_000,
    outboxRelay: true,
    sagaDeadlineMs: 30_000,
    sagaSweepMs: 1000,
    eventRetentionMs: 7 * 24 * 3_600_000,
    guardRetentionMs: 7 * 24 * 3_600_000,
    purgeEveryMs: 3_600_000,
    faultFailRate: 0,
    faultCompensationFailures: 0,
    faultDuplicateRate: 0,
    faultDelayRate: 0,
    faultDelayMs: 0,
    faultSeed: 1,
    ssoIssuer: 'http://localhost:9000',
    ssoAudience: 'contract-services',
    ssoAlgorithms: 'RS256,PS256,ES256',
    ssoClientId: 'contract-ppon',
    ssoClientSecret: DEV_PPON_SECRET,
    ssoTimeoutMs: 5000,
    logLevel: 'info',
    shutdownDelayMs: env.NODE_ENV === 'production' ? 5000 : 0,
    shutdownGraceMs: 20_000,
  } satisfies Partial<Record<keyof ServiceSettings, unknown>>;
}

/**
 * Parses one service's configuration from `env` (`PPON_PORT`, `INETAPLCA_DB_KIND`, …), throwing one
 * ConfigError that names every bad key. The result is frozen.
 */
export function loadServiceConfig(name: ServiceName, env: Record<string, string | undefined> = process.env): ServiceConfig {
  const values = parseSettings(serviceSettings(name.toUpperCase()), env, serviceDefaults(name, env));
  const eventBus: EventBusKind = values.eventBus ?? (values.redisUrl ? 'redis' : 'memory');
  // Only MS1 calls other services with its own client credentials.
  if (name === 'ppon' && env.NODE_ENV === 'production' && values.ssoClientSecret === DEV_PPON_SECRET) {
    throw new ConfigError([`${name.toUpperCase()}_SSO_CLIENT_SECRET: the dev secret is not allowed in production`]);
  }
  return Object.freeze({ ...values, eventBus, name });
}

/** The services' configuration table of docs/configuration.md (`<SERVICE>` is PPON, INETAPLCA or INTELNET). */
export function serviceConfigTable(): string {
  const defaults: Record<string, unknown> = serviceDefaults('ppon', {});
  return settingsTable(serviceSettings('<SERVICE>'), defaults);
}

/** Key descriptions for documentation: variable (with `<SERVICE>_` prefix) and meaning. */
export const serviceConfigKeys = Object.values(serviceSettings('<SERVICE>')).map((s) => ({ env: s.env, description: s.description }));
