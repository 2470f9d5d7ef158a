import type { RequestHandler } from 'express';
import { AppError } from '../../lib/errors/app-error';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Duende BFF's anti-forgery rule: a state-changing call must carry `X-CSRF: 1`. A browser cannot
 * add a custom header cross-site without a CORS preflight, which this BFF never grants.
 */
export function requireCsrf(): RequestHandler {
  return (req, _res, next) => {
    if (SAFE.has(req.method) || req.get('x-csrf') === '1') return next();
    next(new AppError('CSRF_REQUIRED'));
  };
}
