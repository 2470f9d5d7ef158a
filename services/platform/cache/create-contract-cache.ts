import type { Logger } from '../../../lib/http/logger';
import { createRedis } from '../../../lib/redis/create-redis';

/** Read-through cache of single contracts under the source's keys (`PPON_CONT_KEY<no>`, …). */
export interface ContractCache {
  readonly enabled: boolean;
  get(no: number): Promise<Record<string, unknown> | undefined>;
  set(no: number, row: Record<string, unknown>): Promise<void>;
  forget(no: number): Promise<void>;
  close(): Promise<void>;
}

export interface ContractCacheOptions {
  redisUrl?: string;
  keyPrefix: string;
  keyName: string;
  ttlSeconds: number;
  logger: Logger;
}

const disabledCache: ContractCache = {
  enabled: false,
  get: async () => undefined,
  set: async () => undefined,
  forget: async () => undefined,
  close: async () => undefined,
};

/**
 * Without a Redis URL caching is off. With one, Redis being down only turns the cache into misses:
 * commands fail fast (no offline queue, short timeout) and a request never fails because of it.
 */
export function createContractCache(options: ContractCacheOptions): ContractCache {
  if (!options.redisUrl) return disabledCache;
  const { logger, ttlSeconds } = options;
  const redis = createRedis(options.redisUrl, logger, {
    keyPrefix: options.keyPrefix,
    commandTimeoutMs: 500,
    lazyConnect: false,
    outageLevel: 'warn',
    outageMessage: 'contract cache unavailable; reading from the database',
  });
  const keyOf = (no: number) => `${options.keyName}${no}`;
  const quietly = async <T>(what: string, op: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await op();
    } catch (err) {
      logger.debug({ err: (err as Error).message }, 'cache %s skipped', what);
      return undefined;
    }
  };

  return {
    enabled: true,
    get: async (no) => {
      const text = await quietly('get', () => redis.get(keyOf(no)));
      return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    },
    set: async (no, row) => {
      await quietly('set', () => redis.set(keyOf(no), JSON.stringify(row), 'EX', ttlSeconds));
    },
    forget: async (no) => {
      await quietly('delete', () => redis.del(keyOf(no)));
    },
    close: async () => {
      redis.disconnect();
    },
  };
}
