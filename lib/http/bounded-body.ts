import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error';
import type { ErrorCode } from '../errors/catalog';
import { sendProblem } from '../errors/problem-handler';
import { hasBody, pathIn } from './require-json-body';

/** How long a refused request's socket lingers for the client to read the answer (as nginx's lingering close). */
const LINGER_MS = 2_000;

/**
 * In front of a parser of small bodies (JSON, forms): a body declared larger than `limitBytes` is
 * refused at once (413), without waiting for it; a body not arrived within `withinMs` of the
 * headers is refused then (408). Either way the connection closes, so nobody holds one by
 * announcing a large body, or by sending a small one a byte at a time: what is still coming is
 * read and dropped for at most 2 s, so the client can read the answer, and the socket goes.
 * `except` names paths whose bodies are not small (uploads: their own limits apply).
 */
export function boundedBody(options: { limitBytes: number; withinMs: number; except?: (string | RegExp)[] }): RequestHandler {
  return (req, res, next) => {
    if (!hasBody(req) || pathIn(req, options.except ?? [])) return next();
    if (Number(req.headers['content-length']) > options.limitBytes) return refuse(req, res, 'PAYLOAD_TOO_LARGE');
    if (req.complete) return next();
    const timer = setTimeout(() => refuse(req, res, 'REQUEST_TIMEOUT'), options.withinMs);
    const done = () => clearTimeout(timer);
    req.once('end', done);
    req.once('close', done);
    next();
  };
}

function refuse(req: IncomingMessage, res: ServerResponse, code: ErrorCode): void {
  const socket = req.socket;
  const cut = () => void socket.destroy();
  if (res.headersSent) return cut();
  res.shouldKeepAlive = false;
  res.once('finish', () => setTimeout(cut, LINGER_MS).unref());
  sendProblem(res, new AppError(code), (req as { originalUrl?: string }).originalUrl?.split('?')[0]);
}
