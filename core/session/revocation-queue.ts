import type { RedisClient } from '../../lib/redis/create-redis';

export interface RevocationQueue {
  /** Hands a refresh token to `app`, the only one whose client may revoke it at the SSO. */
  enqueue(app: string, refreshToken: string): Promise<void>;
  /** Revokes what was handed to `app`; returns how many tokens were taken. */
  drain(app: string, revoke: (refreshToken: string) => Promise<unknown>): Promise<number>;
}

/** A handed-over token waits at most this long (the SSO's refresh tokens outlive it only if the owner is down for a day). */
const KEEP_SECONDS = 86_400;

/**
 * A refresh token can be revoked only by the client it was issued to (RFC 7009 §2.1): when the PC
 * app ends a mobile session from the session list, it deletes the session at once (the browser is
 * logged out on its next request) and leaves the token in the mobile app's list, which that app
 * revokes within seconds. One key per app (a Redis list): Cluster-safe.
 */
export function redisRevocationQueue(redis: RedisClient, indexPrefix: string): RevocationQueue {
  const keyOf = (app: string) => `${indexPrefix}revoke:${app}`;
  return {
    async enqueue(app, refreshToken) {
      await redis.multi().rpush(keyOf(app), refreshToken).expire(keyOf(app), KEEP_SECONDS).exec();
    },
    async drain(app, revoke) {
      let taken = 0;
      for (let token = await redis.lpop(keyOf(app)); token !== null; token = await redis.lpop(keyOf(app))) {
        taken++;
        await revoke(token);
      }
      return taken;
    },
  };
}
