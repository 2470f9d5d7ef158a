import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';

export const GLOBAL_NO_HEADER = 'x-global-no';
/** What a caller may send: 8–64 of letters, digits, '-', '_' and '.'. Anything else is replaced. */
const WELL_FORMED = /^[A-Za-z0-9._-]{8,64}$/;

export function newGlobalNo(): string {
  return randomUUID();
}

/** The caller's globalNo when well-formed, otherwise a new one (never the caller's bad value). */
export function globalNoOf(req: IncomingMessage): string {
  const given = req.headers[GLOBAL_NO_HEADER];
  return typeof given === 'string' && WELL_FORMED.test(given) ? given : newGlobalNo();
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The transaction number carried through every call of this request (the source's globalNo). */
    globalNo: string;
  }
}

/** Sets `req.globalNo` and echoes it on the response, before anything can fail. */
export function assignGlobalNo(): RequestHandler {
  return (req, res, next) => {
    req.globalNo = (req as { id?: unknown }).id as string ?? globalNoOf(req);
    res.setHeader(GLOBAL_NO_HEADER, req.globalNo);
    next();
  };
}
