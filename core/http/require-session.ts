import type { RequestHandler } from 'express';
import { AppError } from '../../lib/errors/app-error';

/** 401 problem (never a redirect) unless the request has a live, logged-in session. */
export function requireSession(): RequestHandler {
  return (req, _res, next) => {
    if (req.sessionExpired) return next(new AppError('SESSION_EXPIRED'));
    if (!req.user) return next(new AppError('SESSION_REQUIRED'));
    next();
  };
}
