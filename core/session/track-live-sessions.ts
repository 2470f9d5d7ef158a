import type { SessionData, Store } from 'express-session';
import type { RedisClient } from '../../lib/redis/create-redis';

export interface LiveSessions {
  store: Store;
  /** Sessions not yet expired; two O(log n) commands, whatever the size of Redis. */
  count(): Promise<number>;
}

/**
 * Keeps a sorted set `<prefix>live` of session ids scored by their expiry, beside the sessions, so
 * that the session count costs a trim and a ZCARD rather than a SCAN of the keyspace. A session is
 * saved only when it changes (rarely, by design), so the extra ZADD is rare too; a failure to
 * update the set never fails the request (the count is a gauge, not the truth of a session).
 */
export function trackLiveSessions(store: Store, redis: RedisClient, prefix: string, defaultTtlMs: number): LiveSessions {
  const key = `${prefix}live`;
  const tracked = Object.create(store) as Store;
  tracked.set = (sid: string, session: SessionData, callback?: (err?: unknown) => void) => {
    store.set(sid, session, (err?: unknown) => {
      if (!err) {
        const expires = session.cookie?.expires ? new Date(session.cookie.expires).getTime() : Date.now() + defaultTtlMs;
        redis.zadd(key, expires, sid).catch(() => undefined);
      }
      callback?.(err);
    });
  };
  tracked.destroy = (sid: string, callback?: (err?: unknown) => void) => {
    store.destroy(sid, (err?: unknown) => {
      redis.zrem(key, sid).catch(() => undefined);
      callback?.(err);
    });
  };
  return {
    store: tracked,
    count: async () => {
      await redis.zremrangebyscore(key, '-inf', Date.now());
      return redis.zcard(key);
    },
  };
}
