import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { settleWithin } from '../async/settle-within';
import type { Logger } from '../http/logger';

export interface HostPort {
  host: string;
  port: number;
}

/** Where the data lives: one server (URL), a Redis Cluster (seed nodes), or a Sentinel-watched master. */
export type RedisTarget =
  | { mode: 'single'; url: string }
  | { mode: 'cluster'; nodes: readonly HostPort[]; username?: string; password?: string; tls: boolean }
  | { mode: 'sentinel'; sentinels: readonly HostPort[]; masterName: string; username?: string; password?: string; sentinelPassword?: string; tls: boolean };

/** What the BFF's stores accept: a single-server client (plain or Sentinel) or a Cluster client. */
export type RedisClient = Redis | Cluster;

export interface RedisClientOptions {
  /** Put before every key (lets deployments share one Redis). */
  keyPrefix?: string;
  /** A command unanswered after this long fails; 0 = never (needed for blocking reads). */
  commandTimeoutMs?: number;
  /** Connect on the first command instead of at once. */
  lazyConnect?: boolean;
  /** The first outage is logged at this level; the BFF's sessions need it loud, a cache less so. */
  outageLevel?: 'error' | 'warn';
  /** Says what is affected, in the outage log line. */
  outageMessage?: string;
}

const CONNECT_TIMEOUT_MS = 2_000;
const backoff = (attempt: number) => Math.min(attempt * 250, 2_000);

/** For log lines and start-up errors: never the password. */
export function describeRedisTarget(target: RedisTarget): string {
  const list = (nodes: readonly HostPort[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',');
  if (target.mode === 'cluster') return `Redis Cluster ${list(target.nodes)}`;
  if (target.mode === 'sentinel') return `Redis master "${target.masterName}" via Sentinel ${list(target.sentinels)}`;
  const url = new URL(target.url);
  url.password = url.password ? '***' : '';
  return `Redis at ${url.toString().replace(/\/$/, '')}`;
}

/**
 * A Redis client that fails fast instead of queueing: while Redis (or, on a Cluster, the node that
 * owns a key's slot) is away a command errors at once or after the command timeout — so a request
 * becomes a 503, never a hang — and the client keeps reconnecting in the background, so service
 * resumes by itself. The same guarantees hold for all three kinds of target.
 */
export function createRedis(target: string, logger: Logger, options?: RedisClientOptions): Redis;
export function createRedis(target: RedisTarget, logger: Logger, options?: RedisClientOptions): RedisClient;
export function createRedis(target: string | RedisTarget, logger: Logger, options: RedisClientOptions = {}): RedisClient {
  const t: RedisTarget = typeof target === 'string' ? { mode: 'single', url: target } : target;
  const commandTimeout = options.commandTimeoutMs ?? 2_000;
  const perConnection: RedisOptions = {
    maxRetriesPerRequest: 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
    ...(commandTimeout > 0 ? { commandTimeout } : {}),
  };
  const lazyConnect = options.lazyConnect ?? true;
  // Commands issued in the same tick (many requests' session GETs under load) leave in one write
  // and come back in one read: fewer syscalls per request (docs/benchmarks.md). Not on a Cluster,
  // where ioredis groups pipelines by node and has had slot-grouping bugs with scripts.
  const autoPipelining: RedisOptions = { enableAutoPipelining: true };
  let redis: RedisClient;
  if (t.mode === 'cluster') {
    redis = new Cluster(t.nodes.map((n) => ({ host: n.host, port: n.port })), {
      // on the cluster, not on its node connections: a command is prefixed once, where it is built
      keyPrefix: options.keyPrefix,
      lazyConnect,
      // No queue while the cluster is not ready, nor for a node whose connection is down: the
      // command fails at once ("Connection is closed").
      enableOfflineQueue: false,
      clusterRetryStrategy: backoff,
      // A lost node is reconnected in the background (a restarted master takes its slots back).
      clusterNodeRetryStrategy: backoff,
      slotsRefreshTimeout: CONNECT_TIMEOUT_MS,
      // MOVED/CLUSTERDOWN/connection-lost retries are bounded: 3 × 100 ms, inside the command timeout.
      maxRedirections: 3,
      redisOptions: { ...perConnection, username: t.username, password: t.password, ...(t.tls ? { tls: {} } : {}) },
    });
  } else if (t.mode === 'sentinel') {
    redis = new Redis({
      ...perConnection,
      keyPrefix: options.keyPrefix,
      lazyConnect,
      sentinels: t.sentinels.map((n) => ({ host: n.host, port: n.port })),
      name: t.masterName,
      username: t.username,
      password: t.password,
      sentinelPassword: t.sentinelPassword,
      sentinelCommandTimeout: CONNECT_TIMEOUT_MS,
      ...(t.tls ? { tls: {}, enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
      enableOfflineQueue: false,
      retryStrategy: backoff,
      sentinelRetryStrategy: backoff,
      // After a failover the old master (now a replica) answers READONLY: reconnect, find the new one.
      reconnectOnError: (err) => err.message.startsWith('READONLY'),
      ...autoPipelining,
    });
  } else {
    redis = new Redis(t.url, { ...perConnection, ...autoPipelining, keyPrefix: options.keyPrefix, lazyConnect, enableOfflineQueue: false, retryStrategy: backoff });
  }
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) logger[options.outageLevel ?? 'error']({ err: err.message }, options.outageMessage ?? 'redis unavailable; retrying in the background');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis available again');
    down = false;
  });
  return redis;
}

/**
 * Resolves true when Redis answers PING within `timeoutMs`. On a Cluster, when any master answers:
 * one lost master costs the sessions in its slots (those requests get 503s), not the instance.
 */
export async function redisAnswers(redis: RedisClient, timeoutMs = 1_000): Promise<boolean> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  return new Promise<boolean>((resolve) => {
    setTimeout(() => resolve(false), timeoutMs).unref();
    let left = nodes.length;
    if (left === 0) resolve(false);
    // the first PONG decides; a hung node must not hold the answer up
    for (const node of nodes) {
      node.ping().then(
        (r) => (r === 'PONG' ? resolve(true) : --left === 0 && resolve(false)),
        () => --left === 0 && resolve(false),
      );
    }
  });
}

/**
 * Connects, and resolves whether the client is ready within `timeoutMs`. Bounded because a
 * Sentinel client whose Sentinels do not answer keeps asking them and its `connect()` never settles.
 */
export function connectWithin(redis: RedisClient, timeoutMs = 5_000): Promise<boolean> {
  return settleWithin(redis.connect().then(() => true, () => false), timeoutMs, () => false);
}
