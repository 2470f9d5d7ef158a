import { Redis } from 'ioredis';
import type { Logger } from '../http/logger';

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

/**
 * A Redis client that fails fast instead of queueing: while Redis is away a command errors at
 * once (so a request becomes a 503, never a hang) and the client keeps reconnecting in the
 * background, so service resumes by itself.
 */
export function createRedis(url: string, logger: Logger, options: RedisClientOptions = {}): Redis {
  const commandTimeout = options.commandTimeoutMs ?? 2_000;
  const redis = new Redis(url, {
    lazyConnect: options.lazyConnect ?? true,
    keyPrefix: options.keyPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    ...(commandTimeout > 0 ? { commandTimeout } : {}),
    retryStrategy: (attempt) => Math.min(attempt * 250, 2_000),
  });
  let down = false;
  redis.on('error', (err) => {
    if (!down) logger[options.outageLevel ?? 'error']({ err: err.message }, options.outageMessage ?? 'redis unavailable; retrying in the background');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis available again');
    down = false;
  });
  return redis;
}

/** Resolves true when Redis answers PING within `timeoutMs`. */
export async function redisAnswers(redis: Redis, timeoutMs = 1_000): Promise<boolean> {
  const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
  const ping = redis.ping().then((r) => r === 'PONG', () => false);
  return Promise.race([ping, timeout]);
}
