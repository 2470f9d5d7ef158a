import type { RequestHandler } from 'express';
import { AppError } from '../../lib/errors/app-error';
import type { RateLimiter } from './rate-limiter';

export interface RateLimitRule {
  /** Names the counted action in keys and logs (`login`, `saga`, `upload`). */
  action: string;
  /** Hits per window from one client IP (0 = no limit). */
  perIp: number;
  /** Hits per window from one session (0 = no limit); only counted where a session exists. */
  perSession: number;
  windowSeconds: number;
}

/**
 * Route middleware: counts the request against its client IP (Express's `req.ip`, so behind a
 * trusted proxy the browser's, not the proxy's) and its session; over either limit → 429 problem
 * with Retry-After. When the counter store fails the request passes (logged): a Redis hiccup must
 * not lock every user out of logging in.
 */
export function rateLimit(limiter: RateLimiter, rule: RateLimitRule): RequestHandler {
  return async (req, res, next) => {
    const checks: [string, number][] = [];
    if (rule.perIp > 0) checks.push([`${rule.action}:ip:${req.ip ?? 'unknown'}`, rule.perIp]);
    const sessionId = req.session && req.user ? req.sessionID : undefined;
    if (rule.perSession > 0 && sessionId) checks.push([`${rule.action}:session:${sessionId}`, rule.perSession]);
    try {
      const verdicts = await Promise.all(checks.map(([key, limit]) => limiter.hit(key, limit, rule.windowSeconds)));
      const refused = verdicts.filter((v) => !v.allowed);
      if (refused.length > 0) {
        const retryAfter = Math.max(...refused.map((v) => v.retryAfterSeconds));
        res.set('retry-after', String(retryAfter));
        req.log?.warn({ action: rule.action, retryAfter }, 'rate limit reached');
        return next(new AppError('TOO_MANY_REQUESTS', `Too many ${rule.action} requests; try again in ${retryAfter} s`, { retryAfter }));
      }
    } catch (err) {
      req.log?.warn({ err: (err as Error).message, action: rule.action }, 'rate limit store failed; request let through');
    }
    next();
  };
}
