import type { RedisClient } from '../../lib/redis/create-redis';

export interface RateVerdict {
  allowed: boolean;
  /** Seconds until the current window ends (when the count starts again). */
  retryAfterSeconds: number;
}

/** Counts hits per key in fixed windows. */
export interface RateLimiter {
  hit(key: string, limit: number, windowSeconds: number): Promise<RateVerdict>;
}

/**
 * A window per key, opened by its first hit and closed `windowSeconds` later (its Redis key
 * expires then): `SET NX EX` opens it, `INCR` counts, `PTTL` says when it closes. Every instance of
 * the app counts in the same keys, so a client spreading its calls over instances gains nothing.
 */
export function redisRateLimiter(redis: RedisClient, prefix: string): RateLimiter {
  return {
    async hit(key, limit, windowSeconds) {
      const counter = prefix + key;
      const replies = (await redis.multi().set(counter, 0, 'EX', windowSeconds, 'NX').incr(counter).pttl(counter).exec()) as [Error | null, unknown][];
      const count = Number(replies[1][1]);
      const ttlMs = Number(replies[2][1]);
      return { allowed: count <= limit, retryAfterSeconds: Math.max(1, Math.ceil((ttlMs > 0 ? ttlMs : windowSeconds * 1000) / 1000)) };
    },
  };
}

/** The same in process memory, for the dev-only fallback without Redis (one process, one count). */
export function memoryRateLimiter(): RateLimiter {
  const windows = new Map<string, { count: number; endsAt: number }>();
  return {
    async hit(key, limit, windowSeconds) {
      const now = Date.now();
      let window = windows.get(key);
      if (!window || window.endsAt <= now) {
        // Closed windows go when a new one opens: the map holds only keys seen within one window.
        for (const [k, w] of windows) if (w.endsAt <= now) windows.delete(k);
        window = { count: 0, endsAt: now + windowSeconds * 1000 };
        windows.set(key, window);
      }
      window.count += 1;
      return { allowed: window.count <= limit, retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - now) / 1000)) };
    },
  };
}
