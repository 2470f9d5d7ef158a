import type { Redis } from 'ioredis';
import type { Store } from 'express-session';

/**
 * Finds a user's BFF sessions by their SSO session (`sid`) or subject (`sub`), so that a
 * back-channel logout from the SSO ends them all — PC and mobile alike, since both apps share
 * the index in Redis. Also remembers logout-token ids so a replayed token does nothing.
 */
export interface SessionIndex {
  add(entry: { sid?: string; sub: string; sessionId: string; ttlSeconds: number }): Promise<void>;
  /** Ends every session found under `sid` (or, without one, under `sub`); returns how many. */
  revoke(by: { sid?: string; sub?: string }): Promise<number>;
  /** True the first time a token id is seen within `ttlSeconds`. */
  firstUse(jti: string, ttlSeconds: number): Promise<boolean>;
}

const KEY = 'bff:sso:';

export function redisSessionIndex(redis: Redis, sessionPrefix: string): SessionIndex {
  return {
    async add({ sid, sub, sessionId, ttlSeconds }) {
      const sessionKey = sessionPrefix + sessionId;
      const multi = redis.multi().sadd(`${KEY}sub:${sub}`, sessionKey).expire(`${KEY}sub:${sub}`, ttlSeconds);
      if (sid) multi.sadd(`${KEY}sid:${sid}`, sessionKey).expire(`${KEY}sid:${sid}`, ttlSeconds);
      await multi.exec();
    },
    async revoke({ sid, sub }) {
      const setKey = sid ? `${KEY}sid:${sid}` : `${KEY}sub:${sub}`;
      const sessionKeys = await redis.smembers(setKey);
      if (sessionKeys.length === 0) return 0;
      const [[, deleted]] = (await redis.multi().del(...sessionKeys).del(setKey).exec()) as [[Error | null, number]];
      return deleted;
    },
    async firstUse(jti, ttlSeconds) {
      return (await redis.set(`${KEY}jti:${jti}`, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
    },
  };
}

/** The same index for the in-process fallback store (one process, one app: dev only). */
export function memorySessionIndex(store: Store): SessionIndex {
  const bySid = new Map<string, Set<string>>();
  const bySub = new Map<string, Set<string>>();
  const seen = new Map<string, number>();
  const addTo = (map: Map<string, Set<string>>, key: string, id: string) => map.set(key, (map.get(key) ?? new Set()).add(id));
  return {
    async add({ sid, sub, sessionId }) {
      addTo(bySub, sub, sessionId);
      if (sid) addTo(bySid, sid, sessionId);
    },
    async revoke({ sid, sub }) {
      const map = sid ? bySid : bySub;
      const key = (sid ?? sub) as string;
      const ids = [...(map.get(key) ?? [])];
      map.delete(key);
      await Promise.all(ids.map((id) => new Promise<void>((done) => store.destroy(id, () => done()))));
      return ids.length;
    },
    async firstUse(jti, ttlSeconds) {
      const now = Date.now();
      if ((seen.get(jti) ?? 0) > now) return false;
      seen.set(jti, now + ttlSeconds * 1000);
      return true;
    },
  };
}
