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
  /** Drops, from every index set, the ids of sessions that are gone (expired or ended); returns how many. */
  sweep(): Promise<number>;
}

/** The whole index is swept at most this often per instance, on the back of a login. */
const SWEEP_EVERY_MS = 10 * 60 * 1000;

const KEY = 'bff:sso:';

/**
 * Sessions end by expiring (idle or absolute timeout) far more often than by logout, and an
 * expired session leaves its id in the sets: without pruning, a user's set only grows until the
 * set's own TTL, and a revoke would count sessions that are long gone. So each login prunes the
 * user's own sets, and now and then (SWEEP_EVERY_MS) the whole index is swept.
 */
export function redisSessionIndex(redis: Redis, sessionPrefix: string): SessionIndex {
  let lastSweep = 0;
  /** Removes the members whose session key no longer exists. */
  const prune = async (setKey: string): Promise<number> => {
    const members = await redis.smembers(setKey);
    if (members.length === 0) return 0;
    const exists = (await redis.multi(members.map((m) => ['exists', m])).exec()) as [Error | null, number][];
    const gone = members.filter((_, i) => exists[i][1] === 0);
    if (gone.length > 0) await redis.srem(setKey, ...gone);
    return gone.length;
  };
  const sweep = async (): Promise<number> => {
    let removed = 0;
    for (const pattern of [`${KEY}sub:*`, `${KEY}sid:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        for (const key of keys) removed += await prune(key);
      } while (cursor !== '0');
    }
    return removed;
  };
  return {
    async add({ sid, sub, sessionId, ttlSeconds }) {
      const sessionKey = sessionPrefix + sessionId;
      const multi = redis.multi().sadd(`${KEY}sub:${sub}`, sessionKey).expire(`${KEY}sub:${sub}`, ttlSeconds);
      if (sid) multi.sadd(`${KEY}sid:${sid}`, sessionKey).expire(`${KEY}sid:${sid}`, ttlSeconds);
      await multi.exec();
      await prune(`${KEY}sub:${sub}`);
      if (Date.now() - lastSweep > SWEEP_EVERY_MS) {
        lastSweep = Date.now();
        // Housekeeping, not part of the login: its failure is not the user's.
        void sweep().catch(() => undefined);
      }
    },
    sweep,
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
    async sweep() {
      const alive = (id: string) => new Promise<boolean>((done) => store.get(id, (err, session) => done(!err && !!session)));
      let removed = 0;
      for (const map of [bySid, bySub]) {
        for (const [key, ids] of map) {
          for (const id of ids) if (!(await alive(id))) (ids.delete(id), removed++);
          if (ids.size === 0) map.delete(key);
        }
      }
      return removed;
    },
    async firstUse(jti, ttlSeconds) {
      const now = Date.now();
      if ((seen.get(jti) ?? 0) > now) return false;
      seen.set(jti, now + ttlSeconds * 1000);
      return true;
    },
  };
}
