import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Store } from 'express-session';
import type { BffConfig } from '../../config/bff-config';

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
 * Who the user is, for a legacy session row: the cookie's signature (the only crypto) and one
 * store GET, then `req.user` — what express-session, restoreSessionUser and
 * enforceSessionLifetime would give a row, which never changes the session. Without it,
 * express-session hashes the session's JSON with SHA-1 four times a request to learn it did not
 * change, and makes a random id for every request without a cookie (bench/README.md).
 *
 * Whenever the session would change — its idle clock is due to move, it has expired, or the store
 * failed — the request goes through `full` (those three middlewares) instead, which then does
 * exactly what it always did; so the answers, cookies and store writes are the same either way.
 * No cookie, a bad signature, a missing session or one without a user: no user, as express-session
 * would leave it (it saves nothing for them: `saveUninitialized: false`, touch disabled).
 */
export function readRowSession(config: BffConfig, store: Store, full: readonly RequestHandler[]): RequestHandler {
  const idleMs = config.sessionIdleSeconds * 1000;
  const absoluteMs = config.sessionAbsoluteSeconds * 1000;
  // enforceSessionLifetime moves the idle clock when this much has passed since its last move.
  const touchEveryMs = Math.min(60_000, idleMs / 10);
  const runFull: RequestHandler = (req, res, next) => {
    let i = 0;
    const step = (err?: unknown): void => (err || i === full.length ? next(err) : void full[i++](req, res, step));
    step();
  };
  return (req, res, next) => {
    const id = unsignedId(cookieValue(req.headers.cookie, config.sessionCookieName), config.sessionSecret);
    if (!id) return next();
    store.get(id, (err, stored) => {
      if (err) return runFull(req, res, next);
      const user = stored?.passport?.user;
      if (!user || !stored.createdAt || !stored.lastSeenAt) return next();
      const now = Date.now();
      if (now - stored.createdAt >= absoluteMs || now - stored.lastSeenAt >= Math.min(idleMs, touchEveryMs)) return runFull(req, res, next);
      req.user = user;
      req.sessionID = id;
      next();
    });
  };
}
