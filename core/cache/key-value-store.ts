import type { RedisClient } from '../../lib/redis/create-redis';

/** The little Redis the BFF needs for view caching and idempotency keys; in-process without Redis. */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Sets only when absent; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  del(key: string): Promise<void>;
}

export function redisKeyValueStore(redis: RedisClient): KeyValueStore {
  return {
    get: (key) => redis.get(key),
    set: async (key, value, ttl) => void (await redis.set(key, value, 'EX', ttl)),
    setIfAbsent: async (key, value, ttl) => (await redis.set(key, value, 'EX', ttl, 'NX')) === 'OK',
    del: async (key) => void (await redis.del(key)),
  };
}

export function memoryKeyValueStore(): KeyValueStore {
  const entries = new Map<string, { value: string; until: number }>();
  const live = (key: string) => {
    const e = entries.get(key);
    if (e && e.until <= Date.now()) entries.delete(key);
    return entries.get(key);
  };
  return {
    get: async (key) => live(key)?.value ?? null,
    set: async (key, value, ttl) => void entries.set(key, { value, until: Date.now() + ttl * 1000 }),
    setIfAbsent: async (key, value, ttl) => {
      if (live(key)) return false;
      entries.set(key, { value, until: Date.now() + ttl * 1000 });
      return true;
    },
    del: async (key) => void entries.delete(key),
  };
}
