import type { RequestHandler } from 'express';
import type { BffConfig } from '../../config/bff-config';
import { slidesSession } from './slide-session';

/**
 * Idle and absolute timeouts. The idle clock is kept without a write per request: `lastSeenAt`
 * (and with it the Redis TTL and the cookie's expiry) is moved forward only when a tenth of the
 * idle timeout (at most a minute) has passed since the last move. A request whose session did not
 * otherwise change therefore costs one Redis GET; the idle timeout is exact to within that tenth.
 */
export function enforceSessionLifetime(config: BffConfig): RequestHandler {
  const idleMs = config.sessionIdleSeconds * 1000;
  const absoluteMs = config.sessionAbsoluteSeconds * 1000;
  const touchEveryMs = Math.min(60_000, idleMs / 10);
  return (req, res, next) => {
    const s = req.session;
    if (!s?.passport?.user || !s.createdAt || !s.lastSeenAt) return next();
    const now = Date.now();
    if (now - s.createdAt >= absoluteMs || now - s.lastSeenAt >= idleMs) {
      req.sessionExpired = true;
      res.clearCookie(config.sessionCookieName, { path: '/' });
      req.user = undefined;
      s.destroy((err) => next(err));
      return;
    }
    if (now - s.lastSeenAt >= touchEveryMs && slidesSession(req)) {
      s.lastSeenAt = now;
      s.cookie.maxAge = Math.min(idleMs, s.createdAt + absoluteMs - now);
    }
    next();
  };
}

/** When the session ends at the latest, given the two timeouts. */
export function sessionExpiry(config: BffConfig, createdAt: number, lastSeenAt: number) {
  const absoluteAt = createdAt + config.sessionAbsoluteSeconds * 1000;
  const idleAt = lastSeenAt + config.sessionIdleSeconds * 1000;
  const now = Date.now();
  const seconds = (at: number) => Math.max(0, Math.floor((at - now) / 1000));
  return {
    expiresAt: new Date(Math.min(absoluteAt, idleAt)).toISOString(),
    absoluteExpiresAt: new Date(absoluteAt).toISOString(),
    expiresIn: { idle: seconds(Math.min(absoluteAt, idleAt)), absolute: seconds(absoluteAt) },
  };
}
