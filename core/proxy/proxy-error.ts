import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { AppError } from '../../lib/errors/app-error';
import { sendProblem } from '../../lib/errors/problem-handler';
import type { ProxiedRequest } from './proxied-request';

/** The code our own upstream timer puts on the error it destroys the request with. */
export const UPSTREAM_TIMEOUT = 'BFF_UPSTREAM_TIMEOUT';

export function upstreamTimeout(timeoutMs: number): Error {
  return Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: UPSTREAM_TIMEOUT });
}

function toAppError(err: Error & { code?: string }, path: string): AppError {
  return err.code === UPSTREAM_TIMEOUT
    ? new AppError('UPSTREAM_TIMEOUT', `The legacy app behind ${path} did not answer in time`, {}, { cause: err })
    : new AppError('UPSTREAM_UNAVAILABLE', `The legacy app behind ${path} cannot be reached`, {}, { cause: err });
}

/**
 * Answers a failed proxy exchange: a problem document while nothing was sent yet; a cut
 * connection once the upstream's response has started (a half-sent body must not look complete);
 * a closed socket for a WebSocket handshake.
 */
export function answerProxyError(err: Error, req: ProxiedRequest, res: ServerResponse | Socket, routePath: string): void {
  const problem = toAppError(err, routePath);
  (req as { log?: { warn(o: object, m: string): void } }).log?.warn({ err: err.message, code: problem.code }, 'legacy proxy failed');
  if (!('writeHead' in res)) {
    res.destroy();
    return;
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendProblem(res, problem, (req as { originalUrl?: string }).originalUrl?.split('?')[0]);
}
