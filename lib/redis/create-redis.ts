import { Redis } from 'ioredis';
import type { Logger } from '../http/logger';

/**
 * A Redis client that fails fast instead of queueing: while Redis is away a command errors at
 * once (so a request becomes a 503, never a hang) and the client keeps reconnecting in the
 * background, so service resumes by itself.
 */
export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 250, 2_000),
  });
  let down = false;
  redis.on('error', (err) => {
    if (!down) logger.error({ err: err.message }, 'redis unavailable; retrying in the background');
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
