import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { Store } from 'express-session';
import type { BffConfig } from '../../config/bff-config';
import type { RedisClient } from '../../lib/redis/create-redis';
import type { BffUser } from '../session/session-types';

/** The first value of a cookie in a Cookie header, decoded as express-session's parser does; undefined if absent or undecodable. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length > 1) value = value.slice(1, -1);
    try {
      return value.includes('%') ? decodeURIComponent(value) : value;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** cookie-signature's `s:<id>.<HMAC-SHA256 base64>`, checked against each secret (newest first); the id, or undefined. */
function unsignedId(value: string | undefined, secrets: readonly string[]): string | undefined {
  if (!value?.startsWith('s:')) return undefined;
  const signed = value.slice(2);
  const dot = signed.lastIndexOf('.');
  if (dot < 0) return undefined;
  const id = signed.slice(0, dot);
  const given = Buffer.from(signed);
  for (const secret of secrets) {
    const expected = Buffer.from(`${id}.${createHmac('sha256', secret).update(id).digest('base64').replace(/=+$/, '')}`);
    if (expected.length === given.length && timingSafeEqual(expected, given)) return id;
  }
  return undefined;
}

/**
 * What a session row learns from the store: `user` (a live session whose idle clock need not move
 * yet), `none` (no such session, or one without a user: no user, as express-session leaves it),
 * or `changes` (expired, its idle clock is due to move, or the store failed: the full session
 * chain must run, which then does exactly what it always did).
 */
export type RowSession = { kind: 'user'; user: BffUser } | { kind: 'none' } | { kind: 'changes' };

export interface RowSessionReader {
  /** The signed session id in the request's cookie, checked (the only crypto); undefined without a valid one. */
  idOf(cookieHeader: string | undefined): string | undefined;
  read(id: string, done: (session: RowSession) => void): void;
}

interface Parsed { raw: string; user?: BffUser; createdAt?: number; lastSeenAt?: number }
type StoredSession = { passport?: { user?: BffUser }; createdAt?: number; lastSeenAt?: number } | null | undefined;

/** Keys per MGET: a flood of requests in one turn of the event loop makes several. */
const MGET_MAX = 256;

/** One request's callback: whatever it does, the rest of the batch still gets its answer. */
function settle(done: (err: unknown, raw?: string | null) => void, err: unknown, raw?: string | null): void {
  try {
    done(err, raw);
  } catch {
    // the callback answers its own request (legacy-fast-path.ts turns its errors into problems)
  }
}

/**
 * GETs gathered over one turn of the event loop and sent as one MGET (setImmediate runs after the
 * turn's I/O callbacks, so every request that arrived in it is in the batch). One command, reply
 * and timer for all of them: about 3.5 µs of CPU a key instead of 8–11 µs for separate GETs
 * measured here (ioredis's auto-pipelining batches only within one callback, i.e. one socket).
 * Still one round trip for each request: no session is answered from memory. A Redis Cluster gets separate GETs
 * (a key per slot; an MGET across slots is refused).
 */
function gatheredGet(redis: RedisClient): (key: string, done: (err: unknown, raw?: string | null) => void) => void {
  if (redis.isCluster) return (key, done) => void redis.get(key).then((raw) => settle(done, null, raw), (err: unknown) => settle(done, err));
  let pending: { key: string; done: (err: unknown, raw?: string | null) => void }[] = [];
  const flush = () => {
    const all = pending;
    pending = [];
    for (let from = 0; from < all.length; from += MGET_MAX) {
      const batch = all.slice(from, from + MGET_MAX);
      redis.mget(batch.map((b) => b.key)).then(
        (values) => batch.forEach((b, i) => settle(b.done, null, values[i])),
        (err: unknown) => batch.forEach((b) => settle(b.done, err)),
      );
    }
  };
  return (key, done) => {
    if (pending.push({ key, done }) === 1) setImmediate(flush);
  };
}

/** Sessions whose parsed form (and cookies whose signature) are kept: about a megabyte at most (a session is 2–4 kB of JSON). */
const PARSED_KEPT = 256;

/**
 * Reads a session for a legacy row: `<prefix><id>` — the key connect-redis keeps it under — read
 * from Redis on every request (gathered with the other requests of the same turn into one MGET),
 * so a logout anywhere ends it at once. The parsed session is kept per
 * id beside the exact text it came from, and reused only while the store returns that same text
 * (a string comparison instead of JSON.parse of three tokens; the profile in bench/README.md), as
 * is each cookie whose signature was checked (only the same bytes skip the HMAC).
 * Without Redis (the in-process development store) it asks the store.
 */
export function rowSessionReader(config: BffConfig, store: Store, redis?: RedisClient): RowSessionReader {
  const idleMs = config.sessionIdleSeconds * 1000;
  const absoluteMs = config.sessionAbsoluteSeconds * 1000;
  // enforceSessionLifetime moves the idle clock when this much has passed since its last move.
  const touchEveryMs = Math.min(60_000, idleMs / 10);
  const parsed = new Map<string, Parsed>();
  // Signed cookies already verified, by their exact text: the same bytes need no second HMAC.
  const verified = new Map<string, string>();
  const judge = (user: BffUser | undefined, createdAt: number | undefined, lastSeenAt: number | undefined): RowSession => {
    if (!user || !createdAt || !lastSeenAt) return { kind: 'none' };
    const now = Date.now();
    if (now - createdAt >= absoluteMs || now - lastSeenAt >= Math.min(idleMs, touchEveryMs)) return { kind: 'changes' };
    return { kind: 'user', user };
  };
  const fromStored = (stored: StoredSession) => judge(stored?.passport?.user, stored?.createdAt, stored?.lastSeenAt);
  const get = redis ? gatheredGet(redis) : undefined;
  return {
    idOf: (cookieHeader) => {
      const value = cookieValue(cookieHeader, config.sessionCookieName);
      if (value === undefined) return undefined;
      const known = verified.get(value);
      if (known !== undefined) return known;
      const id = unsignedId(value, config.sessionSecret);
      if (id === undefined) return undefined;
      if (verified.size >= PARSED_KEPT) verified.clear();
      verified.set(value, id);
      return id;
    },
    read: get
      ? (id, done) => {
          get(config.sessionPrefix + id, (err, raw) => {
            if (err) return done({ kind: 'changes' });
            if (!raw) return void (parsed.delete(id), done({ kind: 'none' }));
            let entry = parsed.get(id);
            if (entry?.raw !== raw) {
              let stored: StoredSession;
              try {
                stored = JSON.parse(raw) as StoredSession;
              } catch {
                return done({ kind: 'changes' }); // what express-session makes of it is its business
              }
              if (parsed.size >= PARSED_KEPT) parsed.clear();
              entry = { raw, user: stored?.passport?.user, createdAt: stored?.createdAt, lastSeenAt: stored?.lastSeenAt };
              parsed.set(id, entry);
            }
            done(judge(entry.user, entry.createdAt, entry.lastSeenAt));
          });
        }
      : (id, done) => store.get(id, (err, stored) => done(err ? { kind: 'changes' } : fromStored(stored))),
  };
}

const HANDED_OVER = Symbol('row session already read');
type WithSession = IncomingMessage & { [HANDED_OVER]?: RowSession };

/** The fast path read this request's session and hands it to Express: readRowSession uses this instead of a second read. */
export function handOverSession(req: IncomingMessage, session: RowSession): void {
  (req as WithSession)[HANDED_OVER] = session;
}

/**
 * Who the user is, for a legacy session row on the Express path: the reader above, then `req.user`
 * — what express-session, restoreSessionUser and enforceSessionLifetime would give a row, which
 * never changes the session. Without it, express-session hashes the session's JSON with SHA-1 four
 * times a request to learn it did not change, and makes a random id for every request without a
 * cookie (bench/README.md). Whenever the session would change, the request goes through `full`
 * (those three middlewares) instead; so the answers, cookies and store writes are the same either way.
 */
export function readRowSession(reader: RowSessionReader, full: readonly RequestHandler[]): RequestHandler {
  const runFull: RequestHandler = (req, res, next) => {
    let i = 0;
    const step = (err?: unknown): void => (err || i === full.length ? next(err) : void full[i++](req, res, step));
    step();
  };
  const take = (session: RowSession, id: string, req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1], next: Parameters<RequestHandler>[2]) => {
    if (session.kind === 'changes') return runFull(req, res, next);
    if (session.kind === 'user') {
      req.user = session.user;
      req.sessionID = id;
    }
    next();
  };
  return (req, res, next) => {
    const id = reader.idOf(req.headers.cookie);
    if (!id) return next();
    const known = (req as unknown as WithSession)[HANDED_OVER];
    if (known) return take(known, id, req, res, next);
    reader.read(id, (session) => {
      // The browser left while the session was read: nothing is sent upstream.
      if (res.destroyed) return;
      take(session, id, req, res, next);
    });
  };
}
