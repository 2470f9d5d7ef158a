import type { RedisClient } from '../../lib/redis/create-redis';
import { scanKeys } from '../../lib/redis/scan-keys';
import { AppError } from '../../lib/errors/app-error';
import type { SessionData, Store } from 'express-session';

/** A session found through the index: its store key (never shown to a browser) and its data. */
export interface IndexedSession {
  key: string;
  data: SessionData;
}

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
  /** The user's sessions that still exist, in both apps (the index is shared). */
  sessionsOf(sub: string): Promise<IndexedSession[]>;
  /** Ends one session found by `sessionsOf` and drops it from the user's sets; false if it was already gone. */
  end(session: IndexedSession, sub: string): Promise<boolean>;
  /** Drops, from every index set, the ids of sessions that are gone (expired or ended); returns how many. */
  sweep(): Promise<number>;
}

/** The whole index is swept at most this often per instance, on the back of a login. */
const SWEEP_EVERY_MS = 10 * 60 * 1000;

/**
 * Sessions end by expiring (idle or absolute timeout) far more often than by logout, and an
 * expired session leaves its id in the sets: without pruning, a user's set only grows until the
 * set's own TTL, and a revoke would count sessions that are long gone. So each login prunes the
 * user's own sets, and now and then (SWEEP_EVERY_MS) the whole index is swept.
 *
 * Cluster-safe: every command touches one key, or several keys of one slot (a set and its TTL), so
 * it runs unchanged on a Redis Cluster where sessions and sets hash to different masters. What that
 * costs in atomicity, and why it is enough:
 * - `add` writes the `sub` set and the `sid` set separately (each SADD+EXPIRE in a MULTI of its own
 *   key, so no set ever lives without a TTL). If either write fails, `add` fails and the login
 *   destroys the session it made (503): no session is handed out that a logout could not find; a
 *   stray member is pruned later as a session that is gone.
 * - `revoke` deletes each session key (a DEL is atomic per key, and idempotent), then removes from
 *   the set only the members it deleted. A login indexed meanwhile stays in the set (the old MULTI
 *   with `DEL set` dropped it silently). A session whose master cannot be reached stays in the set
 *   and the revoke fails (503) after ending all the others.
 * Failures are `SESSION_STORE_UNAVAILABLE` (503), never a 500.
 */
export function redisSessionIndex(redis: RedisClient, sessionPrefix: string, indexPrefix = 'bff:sso:'): SessionIndex {
  const KEY = indexPrefix;
  let lastSweep = 0;
  /** Removes the members whose session key no longer exists. */
  const prune = async (setKey: string): Promise<number> => {
    const members = await redis.smembers(setKey);
    if (members.length === 0) return 0;
    const exists = await Promise.all(members.map((m) => redis.exists(m)));
    const gone = members.filter((_, i) => exists[i] === 0);
    if (gone.length > 0) await redis.srem(setKey, ...gone);
    return gone.length;
  };
  const sweep = async (): Promise<number> => {
    let removed = 0;
    for (const pattern of [`${KEY}sub:*`, `${KEY}sid:*`]) {
      await scanKeys(redis, pattern, async (keys) => {
        for (const key of keys) removed += await prune(key);
      });
    }
    return removed;
  };
  const index = (setKey: string, sessionKey: string, ttlSeconds: number) => redis.multi().sadd(setKey, sessionKey).expire(setKey, ttlSeconds).exec().then(failed);
  return {
    async add({ sid, sub, sessionId, ttlSeconds }) {
      const sessionKey = sessionPrefix + sessionId;
      await unavailable(Promise.all([index(`${KEY}sub:${sub}`, sessionKey, ttlSeconds), sid ? index(`${KEY}sid:${sid}`, sessionKey, ttlSeconds) : undefined]));
      await prune(`${KEY}sub:${sub}`).catch(() => undefined); // housekeeping: the sweep catches up
      if (Date.now() - lastSweep > SWEEP_EVERY_MS) {
        lastSweep = Date.now();
        // Housekeeping, not part of the login: its failure is not the user's.
        void sweep().catch(() => undefined);
      }
    },
    sweep,
    async sessionsOf(sub) {
      // One-key commands only (SMEMBERS, then a GET per session): sessions and sets may live on different Cluster masters.
      const keys = await unavailable(redis.smembers(`${KEY}sub:${sub}`));
      const values = await unavailable(Promise.all(keys.map((key) => redis.get(key))));
      return keys.flatMap((key, i) => {
        const data = parseSession(values[i]);
        return data ? [{ key, data }] : [];
      });
    },
    async end({ key, data }, sub) {
      const deleted = await unavailable(redis.del(key));
      const sid = data.passport?.user.ssoSid;
      await unavailable(Promise.all([redis.srem(`${KEY}sub:${sub}`, key), sid ? redis.srem(`${KEY}sid:${sid}`, key) : undefined]));
      return deleted > 0;
    },
    async revoke({ sid, sub }) {
      const setKey = sid ? `${KEY}sid:${sid}` : `${KEY}sub:${sub}`;
      const sessionKeys = await unavailable(redis.smembers(setKey));
      if (sessionKeys.length === 0) return 0;
      const outcomes = await Promise.allSettled(sessionKeys.map((key) => redis.del(key)));
      const done = sessionKeys.filter((_, i) => outcomes[i].status === 'fulfilled');
      if (done.length > 0) await unavailable(redis.srem(setKey, ...done));
      const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failure) throw new AppError('SESSION_STORE_UNAVAILABLE', `${sessionKeys.length - done.length} of ${sessionKeys.length} sessions could not be ended`, {}, { cause: failure.reason });
      return outcomes.reduce((sum, o) => sum + (o.status === 'fulfilled' ? o.value : 0), 0);
    },
    async firstUse(jti, ttlSeconds) {
      return (await unavailable(redis.set(`${KEY}jti:${jti}`, '1', 'EX', ttlSeconds, 'NX'))) === 'OK';
    },
  };
}

/** A session as connect-redis stores it (JSON), or undefined when it is gone or unreadable. */
function parseSession(value: string | null): SessionData | undefined {
  if (!value) return undefined;
  try {
    return JSON.parse(value) as SessionData;
  } catch {
    return undefined;
  }
}

/** A store failure as the 503 the BFF answers for it. */
const unavailable = <T>(command: Promise<T>): Promise<T> => command.catch((cause: unknown) => Promise.reject(new AppError('SESSION_STORE_UNAVAILABLE', undefined, {}, { cause })));

/** A MULTI's replies, or the first of its errors thrown (EXEC reports them per command). */
function failed(replies: [Error | null, unknown][] | null): void {
  if (!replies) throw new Error('redis transaction aborted');
  const error = replies.find(([err]) => err)?.[0];
  if (error) throw error;
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
    async sessionsOf(sub) {
      const found = await Promise.all([...(bySub.get(sub) ?? [])].map((id) => new Promise<IndexedSession | undefined>((done) => store.get(id, (err, data) => done(!err && data ? { key: id, data } : undefined)))));
      return found.filter((s): s is IndexedSession => !!s);
    },
    async end({ key, data }, sub) {
      const existed = await new Promise<boolean>((done) => store.get(key, (err, found) => done(!err && !!found)));
      await new Promise<void>((done) => store.destroy(key, () => done()));
      bySub.get(sub)?.delete(key);
      const sid = data.passport?.user.ssoSid;
      if (sid) bySid.get(sid)?.delete(key);
      return existed;
    },
    async sweep() {
      const alive = (id: string) => new Promise<boolean>((done) => store.get(id, (err, session) => done(!err && !!session)));
      let removed = 0;
      for (const map of [bySid, bySub]) {
        for (const [key, ids] of map) {
          for (const id of ids) {
            if (await alive(id)) continue;
            ids.delete(id);
            removed++;
          }
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
