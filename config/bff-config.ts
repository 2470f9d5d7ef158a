import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_NOTICE_CHANNEL } from '../lib/notices/change-notice';
import { ConfigError, bool, int, parseSettings, url, type SettingValues } from './define-settings';
import { FILE_KINDS } from './file-kinds';
import { PROJECT_ROOT } from './project-root';
import type { RedisTarget } from '../lib/redis/create-redis';

export type BffAppName = 'pc' | 'mobile';

/** Secrets that ship with the repository for the dev SSO; refused in production. */
export const DEV_SECRETS = {
  pc: { client: 'dev-only-bff-pc-secret-change-me', session: 'dev-only-session-secret-pc' },
  mobile: { client: 'dev-only-bff-mobile-secret-change-me', session: 'dev-only-session-secret-mobile' },
} as const;

export const bffSettings = {
  nodeEnv: { env: 'NODE_ENV', schema: z.enum(['development', 'test', 'production']), description: 'Runtime environment; `production` turns on the strict checks below.' },
  port: { env: 'PORT', schema: int(0, 65535), description: 'Port the app listens on.', defaultText: '`3000` (pc), `3001` (mobile)' },
  host: { env: 'HOST', schema: z.string().optional(), description: 'Address to bind; all interfaces when unset.' },
  publicUrl: { env: 'PUBLIC_URL', schema: url(), description: "The app's external origin, as the browser sees it.", defaultText: '`http://localhost:<PORT>`' },
  logLevel: { env: 'LOG_LEVEL', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), description: 'pino log level.' },
  ssoIssuer: { env: 'SSO_ISSUER', schema: url(), description: 'OIDC issuer URL; endpoints come from its discovery document. https in production (http is refused at start-up).' },
  ssoClientId: { env: 'SSO_CLIENT_ID', schema: z.string().min(1), description: 'OIDC client id of this app.', defaultText: '`bff-pc` / `bff-mobile`' },
  ssoClientSecret: { env: 'SSO_CLIENT_SECRET', schema: z.string().min(16), description: 'OIDC client secret (`client_secret_post`). Required in production.', defaultText: 'dev secret (refused in production)' },
  ssoRedirectUrl: { env: 'SSO_REDIRECT_URL', schema: z.string().url(), description: 'Redirect URI registered at the SSO.', defaultText: '`<PUBLIC_URL>/bff/callback`' },
  ssoPostLogoutRedirectUrl: { env: 'SSO_POST_LOGOUT_REDIRECT_URL', schema: z.string().url(), description: 'Where the SSO sends the browser after logout (registered at the SSO).', defaultText: '`<PUBLIC_URL>/signed-out`' },
  ssoScopes: { env: 'SSO_SCOPES', schema: z.string().regex(/^[\w:.-]+( [\w:.-]+)*$/), description: 'Space-separated scopes to request.' },
  // Tokens kept and refreshed server-side (docs/identity.md#the-token-flow).
  loginStateSeconds: { env: 'LOGIN_STATE_SECONDS', schema: int(30, 3600), description: 'Lifetime of a login attempt (state, nonce, PKCE verifier and returnTo in an encrypted HttpOnly cookie; nothing is stored server-side before the callback).' },
  tokenRefreshSkewSeconds: { env: 'TOKEN_REFRESH_SKEW_SECONDS', schema: int(0, 3600), description: 'The access token is refreshed this long before it expires (at most a third of its lifetime), once per session across instances.' },
  ssoEndSessionHint: { env: 'SSO_END_SESSION_HINT', schema: z.enum(['id_token', 'client_id']), description: "What logout sends to the SSO's end-session endpoint: `id_token` (id_token_hint, added by the BFF to its 302; the SSO ends the session without asking) or `client_id` (no token in any response; the SSO may ask the user to confirm)." },
  ssoTimeoutMs: { env: 'SSO_TIMEOUT_MS', schema: int(100, 60_000), description: 'Timeout for discovery and JWKS calls to the SSO.' },
  redisUrl: { env: 'REDIS_URL', schema: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'), description: 'Redis for sessions, shared by every instance (with `REDIS_MODE=single`).' },
  redisMode: { env: 'REDIS_MODE', schema: z.enum(['single', 'cluster', 'sentinel']), description: '`single`: one Redis at `REDIS_URL`. `cluster`: a Redis Cluster reached through `REDIS_CLUSTER_NODES` (sessions spread over its masters). `sentinel`: the master `REDIS_SENTINEL_MASTER` found through `REDIS_SENTINELS`, followed across failovers.' },
  redisClusterNodes: { env: 'REDIS_CLUSTER_NODES', schema: hostPortList(), description: 'Seed nodes of the Redis Cluster (`host:port,host:port`, a few are enough: the rest is discovered). Needed with `REDIS_MODE=cluster`; the nodes should run with `cluster-require-full-coverage no`, so that one lost master stops only its own slots.' },
  redisSentinels: { env: 'REDIS_SENTINELS', schema: hostPortList(), description: 'Sentinels (`host:port,host:port`). Needed with `REDIS_MODE=sentinel`.' },
  redisSentinelMaster: { env: 'REDIS_SENTINEL_MASTER', schema: z.string().regex(/^[\w.-]+$/), description: 'Name of the master the Sentinels watch.' },
  redisUsername: { env: 'REDIS_USERNAME', schema: z.string().optional(), description: 'ACL user of the Cluster nodes or of the Sentinel-watched master and replicas (with `REDIS_MODE=single` it goes in `REDIS_URL`).' },
  redisPassword: { env: 'REDIS_PASSWORD', schema: z.string().optional(), description: 'Password of the Cluster nodes or of the Sentinel-watched master and replicas (with `REDIS_MODE=single` it goes in `REDIS_URL`).' },
  redisSentinelPassword: { env: 'REDIS_SENTINEL_PASSWORD', schema: z.string().optional(), description: 'Password of the Sentinels themselves, when they require one.' },
  redisTls: { env: 'REDIS_TLS', schema: bool(), description: 'TLS to the Cluster nodes, or to the Sentinels and the master (with `REDIS_MODE=single`, use a `rediss://` URL).' },
  redisCommandTimeoutMs: { env: 'REDIS_COMMAND_TIMEOUT_MS', schema: int(50, 60_000), description: 'A session-store command unanswered this long fails, and the request gets a 503 `SESSION_STORE_UNAVAILABLE` (a hung Redis node never hangs a request).' },
  redisRequired: { env: 'REDIS_REQUIRED', schema: bool(), description: 'Refuse to start without Redis. When false and Redis does not answer, sessions fall back to process memory with a warning.', defaultText: '`true` in production, else `false`' },
  sessionSecret: { env: 'SESSION_SECRET', schema: z.string().min(16).transform((v) => v.split(',')), description: 'Cookie signing secret(s), comma-separated, newest first. Required in production.', defaultText: 'dev secret (refused in production)' },
  sessionCookieName: { env: 'SESSION_COOKIE_NAME', schema: z.string().regex(/^[\w.-]+$/), description: "This app's session cookie name; with `COOKIE_SECURE` the BFF prefixes it with `__Host-` (the login-state cookie is `<name>.login`).", defaultText: '`bff.pc.sid` / `bff.mobile.sid`' },
  sessionIndexPrefix: { env: 'SESSION_INDEX_PREFIX', schema: z.string().min(1), description: 'Redis key prefix of the per-user session index both apps share (back-channel logout, `/bff/sessions`); the same value in both apps.' },
  sessionAdminRole: { env: 'SESSION_ADMIN_ROLE', schema: z.string().regex(/^[\w.:-]+$/), description: 'Role allowed to end all sessions of any user (`DELETE /bff/users/:sub/sessions`, audited in the log).' },
  diagnostics: { env: 'BFF_DIAGNOSTICS', schema: bool(), description: "Serve `GET /bff/diagnostics` (the session's claims, token expiry, SSO, Redis mode; never a token). Refused at start-up with NODE_ENV=production.", defaultText: '`true` unless production' },
  sessionPrefix: { env: 'SESSION_PREFIX', schema: z.string().min(1), description: "Redis key prefix of this app's sessions.", defaultText: '`bff:pc:sess:` / `bff:mobile:sess:`' },
  sessionIdleSeconds: { env: 'SESSION_IDLE_SECONDS', schema: int(2, 30 * 86_400), description: 'Idle timeout: a session unused this long ends.', defaultText: '`1200` (pc), `7200` (mobile)' },
  sessionAbsoluteSeconds: { env: 'SESSION_ABSOLUTE_SECONDS', schema: int(2, 90 * 86_400), description: 'Absolute timeout: a session ends this long after login, however active.', defaultText: '`28800` (pc), `259200` (mobile)' },
  cookieSecure: { env: 'COOKIE_SECURE', schema: bool(), description: 'Mark the session and login-state cookies `Secure`; their names then carry the `__Host-` prefix (Path=/, no Domain; docs/edge-and-sessions.md).', defaultText: '`true` when PUBLIC_URL is https' },
  trustProxy: { env: 'TRUST_PROXY', schema: z.string().regex(/^(true|false|\d+|[\w.:/, -]+)$/), description: 'Express `trust proxy` (`false`, hop count, or addresses) — set it behind a TLS-terminating proxy.' },
  menuFile: { env: 'MENU_FILE', schema: z.string().min(1), description: "JSON file with this app's menu tree.", defaultText: '`config/menus/<app>.json`' },
  legacyRoutesFile: { env: 'LEGACY_ROUTES_FILE', schema: z.string().min(1), description: 'JSON routing table to the VM-hosted legacy apps (rows `{ path, target, timeoutMs, pathRewrite, auth, csrf, websocket }`), validated at start-up; a bad row stops the app and is named.', defaultText: '`config/routes/<app>.json`' },
  legacyAppUrl: { env: 'LEGACY_APP_URL', schema: url(), description: 'Base URL that `${LEGACY_APP_URL}` stands for in the routing table\'s targets (the legacy app VM; the sandbox stand-in in development).' },
  filesDir: { env: 'FILES_DIR', schema: z.string().min(1), description: 'Directory of uploaded files (local-disk storage); every instance of both apps must see the same directory.', defaultText: '`./data/files`' },
  filesMaxBytes: { env: 'FILES_MAX_BYTES', schema: int(1, 16 * 1024 ** 3), description: 'Largest file accepted by `POST /api/files`, in bytes; larger uploads are refused with 413 and nothing is kept.', defaultText: '`52428800` (pc, 50 MiB), `10485760` (mobile, 10 MiB)' },
  filesAllowedTypes: { env: 'FILES_ALLOWED_TYPES', schema: z.string().regex(/^[a-z]+(,[a-z]+)*$/, 'comma-separated kinds').transform((v) => v.split(',')).pipe(z.array(z.enum(FILE_KINDS))), description: `File kinds accepted by upload, comma-separated, recognised from the content's first bytes and the extension together (${FILE_KINDS.join(', ')}); anything else is refused with 415.` },
  idempotencyPrefix: { env: 'IDEMPOTENCY_PREFIX', schema: z.string().min(1), description: 'Redis key prefix of the answers kept for `Idempotency-Key` (24 h), shared by both apps and their instances (two deployments on one Redis need two prefixes).' },
  filesPrefix: { env: 'FILES_PREFIX', schema: z.string().min(1), description: 'Redis key prefix of the file metadata; the default is shared by both apps, so a user sees the same files on PC and mobile.' },
  pponUrl: { env: 'PPON_URL', schema: url(), description: 'MS1 `ppon` (general phone contract, saga orchestrator) base URL.' },
  inetaplcaUrl: { env: 'INETAPLCA_URL', schema: url(), description: 'MS2 `inetaplca` (internet application contract) base URL.' },
  intelnetUrl: { env: 'INTELNET_URL', schema: url(), description: 'MS3 `intelnet` (intelligent network contract) base URL.' },
  contractViewUrl: { env: 'CONTRACT_VIEW_URL', schema: url(), description: 'The contract view (the read model the lists, search and home read) base URL.' },
  bodyTimeoutMs: { env: 'BODY_TIMEOUT_MS', schema: int(100, 600_000), description: 'A JSON or form body (not an upload) must arrive within this of its headers, else 408 and the connection closes; one declared larger than its route takes is refused with 413 at once (nobody holds a connection by sending a body a byte at a time).' },
  upstreamTimeoutMs: { env: 'UPSTREAM_TIMEOUT_MS', schema: int(50, 60_000), description: 'Timeout of one query call to a contract service.' },
  composeBudgetMs: { env: 'COMPOSE_BUDGET_MS', schema: int(50, 60_000), description: 'Overall time budget of one composed screen query; parts still missing then are reported as partial.' },
  composeCachePrefix: { env: 'COMPOSE_CACHE_PREFIX', schema: z.string().min(1), description: "Redis key prefix of this app's composed contract views, shared by its instances (one per backend: two deployments on one Redis need two prefixes).", defaultText: '`bff:view:<app>:`' },
  composeCacheSeconds: { env: 'COMPOSE_CACHE_SECONDS', schema: int(0, 3600), description: 'Lifetime of a composed contract view in Redis (0 = off); dropped when this BFF starts a saga on the contract, and when a service announces a change of it (CHANGE_NOTICE_CHANNEL).' },
  changeNoticeChannel: { env: 'CHANGE_NOTICE_CHANNEL', schema: z.string().regex(/^[A-Za-z0-9:._-]{1,100}$/, 'must be 1-100 of A-Za-z0-9:._-'), description: "Redis pub/sub channel of the services' change notices (their NOTICE_CHANNEL, on the same Redis): a saga's progress and contract changes reach every SSE stream and the composition cache through one subscription per instance." },
  sagaRefreshMs: { env: 'SAGA_REFRESH_MS', schema: int(50, 60_000), description: "How often an instance reads a watched saga's log by itself, once per saga whatever the number of watchers (change notices are at most once; without Redis this is the only way)." },
  sagaTimeoutMs: { env: 'SAGA_TIMEOUT_MS', schema: int(100, 120_000), description: 'How long an API-mode saga call to MS1 may take before the screen gets a 504.' },
  sagaEventsMaxMs: { env: 'SAGA_EVENTS_MAX_MS', schema: int(1000, 600_000), description: 'How long one saga progress stream (`/api/sagas/{globalNo}/events`) follows a saga before it ends with a `timeout` event (no outcome: the screen says the saga still runs, reconnects and resumes where it was).' },
  sagaModeDefault: { env: 'SAGA_MODE_DEFAULT', schema: z.enum(['api', 'event']), description: 'Saga mode when the screen does not say (`api`: synchronous outcome; `event`: 202 and follow the saga).' },
  drillsAllowed: { env: 'DRILLS_ALLOWED', schema: bool(), description: 'Accept `drill: "compensate"` (MS3 fails on purpose) on saga triggers.', defaultText: '`true` unless production' },
  breakerThreshold: { env: 'BREAKER_THRESHOLD', schema: int(1, 1000), description: 'Consecutive failures of one contract service that open its circuit breaker.' },
  workers: { env: 'BFF_WORKERS', schema: z.union([z.literal('auto'), int(1, 64)]).transform((v) => (v === 'auto' ? availableParallelism() : v)), description: 'Worker processes of this app (node:cluster): `auto` = one per core. More than 1 forks workers that share the port; a crashed worker is replaced, SIGHUP restarts them one at a time.' },
  rateLimitWindowSeconds: { env: 'RATE_LIMIT_WINDOW_SECONDS', schema: int(1, 3600), description: 'Length of a rate-limit window, opened by the first counted call of a client IP or session; over the limit, Retry-After says when it closes.' },
  rateLimitLoginPerIp: { env: 'RATE_LIMIT_LOGIN_PER_IP', schema: int(0, 1_000_000), description: 'Logins (`GET /bff/login`) one client IP may start per window (0 = no limit); generous, since offices share an address.' },
  rateLimitSagaPerSession: { env: 'RATE_LIMIT_SAGA_PER_SESSION', schema: int(0, 1_000_000), description: 'Saga triggers (`POST`/`PUT /api/contracts`) one session may send per window (0 = no limit).' },
  rateLimitSagaPerIp: { env: 'RATE_LIMIT_SAGA_PER_IP', schema: int(0, 1_000_000), description: 'Saga triggers one client IP may send per window, all its sessions together (0 = no limit).' },
  rateLimitUploadPerSession: { env: 'RATE_LIMIT_UPLOAD_PER_SESSION', schema: int(0, 1_000_000), description: 'Uploads (`POST /api/files`) one session may send per window (0 = no limit).' },
  rateLimitUploadPerIp: { env: 'RATE_LIMIT_UPLOAD_PER_IP', schema: int(0, 1_000_000), description: 'Uploads one client IP may send per window (0 = no limit).' },
  rateLimitPrefix: { env: 'RATE_LIMIT_PREFIX', schema: z.string().min(1), description: "Redis key prefix of this app's rate-limit counters, shared by its instances.", defaultText: '`<SESSION_PREFIX>rate:`' },
  breakerHalfOpenMs: { env: 'BREAKER_HALF_OPEN_MS', schema: int(100, 600_000), description: 'How long an open circuit stays open before one trial call is let through.' },
  // Graceful drain and operator endpoints (docs/operations.md).
  shutdownDelayMs: { env: 'SHUTDOWN_DELAY_MS', schema: int(0, 600_000), description: 'On SIGTERM `/readyz` answers 503 at once and the app keeps serving this long, so load balancers and Kubernetes endpoints stop sending it requests first.', defaultText: '`5000` in production, else `0`' },
  shutdownGraceMs: { env: 'SHUTDOWN_GRACE_MS', schema: int(0, 600_000), description: 'After the delay the app stops accepting and gives requests in flight (proxied rows, uploads, compositions, saga calls) this long to finish; server-sent event streams end at once with a `reconnect` event; then it exits.' },
  adminPort: { env: 'ADMIN_PORT', schema: int(0, 65535).optional(), description: 'When set, `/metrics` and `/docs` are served on this port only (a second listener for operators), not on PORT; `/healthz` and `/readyz` stay on PORT.', defaultText: '(unset: all on PORT)' },
};

/** `host:port,host:port` → a non-empty list; empty or unset → undefined. */
function hostPortList() {
  return z
    .string()
    .regex(/^[\w.-]+:\d{1,5}(,[\w.-]+:\d{1,5})*$/, 'comma-separated host:port list')
    .transform((v) => v.split(',').map((hp) => ({ host: hp.slice(0, hp.lastIndexOf(':')), port: Number(hp.slice(hp.lastIndexOf(':') + 1)) })))
    .optional();
}

export type BffConfig = SettingValues<typeof bffSettings> & {
  readonly app: BffAppName;
  readonly production: boolean;
  /** The Redis the sessions live in, from REDIS_MODE and the settings of that mode. */
  readonly redis: RedisTarget;
};

/** The connection target of REDIS_MODE, or the problem that a setting it needs is missing. */
function redisTargetOf(v: SettingValues<typeof bffSettings>): RedisTarget | string {
  const auth = { username: v.redisUsername || undefined, password: v.redisPassword || undefined, tls: v.redisTls };
  if (v.redisMode === 'cluster') return v.redisClusterNodes ? { mode: 'cluster', nodes: v.redisClusterNodes, ...auth } : 'REDIS_CLUSTER_NODES: required when REDIS_MODE=cluster';
  if (v.redisMode === 'sentinel') {
    if (!v.redisSentinels) return 'REDIS_SENTINELS: required when REDIS_MODE=sentinel';
    return { mode: 'sentinel', sentinels: v.redisSentinels, masterName: v.redisSentinelMaster, sentinelPassword: v.redisSentinelPassword || undefined, ...auth };
  }
  return { mode: 'single', url: v.redisUrl };
}

function defaultsFor(app: BffAppName, env: Record<string, string | undefined>) {
  // A bad PORT is reported once, under PORT, not again under every URL derived from it.
  const port = /^\d{1,5}$/.test(env.PORT ?? '') ? (env.PORT as string) : app === 'pc' ? '3000' : '3001';
  const givenUrl = env.PUBLIC_URL && URL.canParse(env.PUBLIC_URL) ? env.PUBLIC_URL : undefined;
  const publicUrl = (givenUrl ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const production = env.NODE_ENV === 'production';
  return {
    nodeEnv: 'development',
    port,
    publicUrl,
    logLevel: 'info',
    ssoIssuer: 'http://localhost:9000',
    ssoClientId: `bff-${app}`,
    ssoClientSecret: DEV_SECRETS[app].client,
    ssoRedirectUrl: `${publicUrl}/bff/callback`,
    ssoPostLogoutRedirectUrl: `${publicUrl}/signed-out`,
    loginStateSeconds: '600',
    tokenRefreshSkewSeconds: '30',
    ssoEndSessionHint: 'id_token',
    ssoScopes: 'openid profile email',
    ssoTimeoutMs: '5000',
    redisUrl: 'redis://127.0.0.1:6379',
    redisMode: 'single',
    redisSentinelMaster: 'mymaster',
    redisTls: false,
    redisCommandTimeoutMs: '2000',
    redisRequired: production,
    sessionSecret: DEV_SECRETS[app].session,
    sessionCookieName: `bff.${app}.sid`,
    sessionPrefix: `bff:${app}:sess:`,
    sessionIndexPrefix: 'bff:sso:',
    sessionAdminRole: 'operator',
    diagnostics: !production,
    sessionIdleSeconds: app === 'pc' ? '1200' : '7200',
    sessionAbsoluteSeconds: app === 'pc' ? '28800' : '259200',
    cookieSecure: publicUrl.startsWith('https:'),
    trustProxy: 'false',
    menuFile: path.join(PROJECT_ROOT, 'config', 'menus', `${app}.json`),
    legacyRoutesFile: path.join(PROJECT_ROOT, 'config', 'routes', `${app}.json`),
    legacyAppUrl: 'http://localhost:8090',
    filesDir: path.join(PROJECT_ROOT, 'data', 'files'),
    filesMaxBytes: app === 'pc' ? String(50 * 1024 ** 2) : String(10 * 1024 ** 2),
    filesAllowedTypes: 'pdf,png,jpeg,zip,xlsx,docx,txt,csv',
    filesPrefix: 'bff:files:',
    idempotencyPrefix: 'bff:idem:',
    pponUrl: 'http://localhost:8081',
    inetaplcaUrl: 'http://localhost:8082',
    intelnetUrl: 'http://localhost:8083',
    contractViewUrl: 'http://localhost:8084',
    bodyTimeoutMs: '15000',
    upstreamTimeoutMs: '2000',
    composeBudgetMs: '3000',
    composeCacheSeconds: '5',
    changeNoticeChannel: DEFAULT_NOTICE_CHANNEL,
    sagaRefreshMs: '2000',
    composeCachePrefix: `bff:view:${app}:`,
    sagaTimeoutMs: '20000',
    sagaEventsMaxMs: '60000',
    sagaModeDefault: 'api',
    drillsAllowed: !production,
    breakerThreshold: '5',
    breakerHalfOpenMs: '5000',
    workers: '1',
    rateLimitWindowSeconds: '60',
    rateLimitLoginPerIp: '300',
    rateLimitSagaPerSession: '60',
    rateLimitSagaPerIp: '600',
    rateLimitUploadPerSession: '30',
    rateLimitUploadPerIp: '300',
    rateLimitPrefix: `${env.SESSION_PREFIX || `bff:${app}:sess:`}rate:`,
    shutdownDelayMs: production ? '5000' : '0',
    shutdownGraceMs: '20000',
  };
}

/** Reads this app's configuration once; throws a ConfigError naming every bad key. */
export function loadBffConfig(app: BffAppName, env: Record<string, string | undefined> = process.env): BffConfig {
  const values = parseSettings(bffSettings, env, defaultsFor(app, env));
  const production = values.nodeEnv === 'production';
  if (production) {
    const problems: string[] = [];
    const devSecrets: string[] = Object.values(DEV_SECRETS).flatMap((s) => [s.client, s.session]);
    if (devSecrets.includes(values.ssoClientSecret)) problems.push('SSO_CLIENT_SECRET: the dev secret is not allowed in production');
    if (values.sessionSecret.some((s) => devSecrets.includes(s))) problems.push('SESSION_SECRET: the dev secret is not allowed in production');
    if (!values.redisRequired) problems.push('REDIS_REQUIRED: sessions must be in Redis in production');
    if (values.diagnostics) problems.push('BFF_DIAGNOSTICS: /bff/diagnostics shows session claims and is never served in production');
    if (new URL(values.ssoIssuer).protocol !== 'https:') problems.push('SSO_ISSUER: a production BFF talks to its SSO over https only (tokens and the client secret travel on it)');
    if (problems.length) throw new ConfigError(problems);
  }
  if (values.sessionAbsoluteSeconds < values.sessionIdleSeconds) {
    throw new ConfigError(['SESSION_ABSOLUTE_SECONDS: must not be shorter than SESSION_IDLE_SECONDS']);
  }
  if (values.sessionCookieName.startsWith('__Host-') && !values.cookieSecure) {
    throw new ConfigError(['SESSION_COOKIE_NAME: a __Host- cookie is accepted by browsers only when Secure (COOKIE_SECURE=true)']);
  }
  const redis = redisTargetOf(values);
  if (typeof redis === 'string') throw new ConfigError([redis]);
  // A Secure cookie is named `__Host-…`: the browser then accepts it only Secure, with Path=/ and
  // no Domain, so a sibling subdomain cannot plant or shadow it (docs/edge-and-sessions.md).
  const sessionCookieName = values.cookieSecure && !values.sessionCookieName.startsWith('__Host-') ? `__Host-${values.sessionCookieName}` : values.sessionCookieName;
  return Object.freeze({ ...values, sessionCookieName, app, production, redis: Object.freeze(redis) });
}

export function bffDefaultsFor(app: BffAppName): Record<string, unknown> {
  return defaultsFor(app, {});
}
