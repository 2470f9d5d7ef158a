import type { RequestHandler } from 'express';
import { AppError } from '../../lib/errors/app-error';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The rule itself, for callers without an Express request (the legacy rows' fast path). */
export function csrfSatisfied(method: string | undefined, header: string | string[] | undefined): boolean {
  return SAFE.has(method ?? '') || header === '1';
}

/**
 * Duende BFF's anti-forgery rule: a state-changing call must carry `X-CSRF: 1`. A browser cannot
 * add a custom header cross-site without a CORS preflight, which this BFF never grants.
 */
export function requireCsrf(): RequestHandler {
  return (req, _res, next) => {
    if (csrfSatisfied(req.method, req.headers['x-csrf'])) return next();
    next(new AppError('CSRF_REQUIRED'));
  };
}
