import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error';
import { normalizePath } from './normalize-path';

/**
 * Replaces the request's path with its normalised form before any route or routing-table row
 * is matched (so every later check sees what the upstream will see); refuses it with 400
 * INVALID_PATH when it cannot be normalised safely, or when it carries `;` path parameters where
 * `allowsPathParameters` (the routing-table rows that declare them) says no. The query string is
 * left as sent.
 */
export function normalizeRequestPath(allowsPathParameters: (path: string) => boolean = () => false): RequestHandler {
  return (req, _res, next) => {
    const url = req.url;
    const q = url.indexOf('?');
    const result = normalizePath(q < 0 ? url : url.slice(0, q));
    if (!result.ok) return next(new AppError('INVALID_PATH', `The request path is not valid: ${result.reason}`));
    if (result.pathParameters && !allowsPathParameters(result.path)) return next(new AppError('INVALID_PATH', 'The request path is not valid: ;parameters are not accepted here'));
    req.url = q < 0 ? result.path : result.path + url.slice(q);
    req.originalUrl = req.url;
    next();
  };
}
