import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors/app-error';

/** A request carries a body when it says so (RFC 9112 §6.3): a Transfer-Encoding, or a non-zero Content-Length. */
export function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** The request's path is one of `paths` (a prefix ending at a `/`, or a pattern). */
export function pathIn(req: Request, paths: (string | RegExp)[]): boolean {
  return paths.some((p) => (typeof p === 'string' ? req.path === p || req.path.startsWith(`${p}/`) : p.test(req.path)));
}

/**
 * Refuses a body that is not JSON with 415, before any parser: without it, a form or text body
 * is silently left unparsed and reaches validation as "no body", a 400 that hides the real fault.
 * `except` names path prefixes (or patterns) that take other bodies (multipart uploads); `also` adds accepted types.
 */
export function requireJsonBody(options: { except?: (string | RegExp)[]; also?: string[] } = {}): RequestHandler {
  const except = options.except ?? [];
  const types = ['application/json', 'application/*+json', ...(options.also ?? [])];
  return (req, _res, next) => {
    if (!hasBody(req) || req.is(types) || pathIn(req, except)) return next();
    next(new AppError('UNSUPPORTED_MEDIA_TYPE', `The request body must be ${types.join(' or ')}`));
  };
}
