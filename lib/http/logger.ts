import pino, { type Logger } from 'pino';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { globalNoOf } from './global-no';
import { logTraceFields } from '../telemetry/trace';

export type { Logger };

declare module 'http' {
  interface IncomingMessage {
    /** The request's globalNo, set by requestLogger before anything else runs. */
    id?: string;
    /** This request's logger: every line carries `globalNo` and `req: { method, path }`. */
    log: Logger;
  }
}

/** Cookies, tokens and secrets never reach a log line, whatever logs them. */
const REDACT = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  '*.password',
  '*.clientSecret',
  '*.idToken',
  '*.accessToken',
  '*.refreshToken',
  '*.cardNo',
  '*.CARD_NO',
];

/**
 * The process's logger. `sync: false` (production) writes to stdout through pino's asynchronous
 * destination: a line is queued and written when the previous write finishes, so a slow stdout
 * (a pipe to a log shipper) never blocks a request; call {@link flushLogger} before exiting
 * (pino also flushes it synchronously on `exit`). Development and tests keep synchronous writes,
 * which interleave predictably with other output.
 */
export function createLogger(options: { name: string; level: string; sync?: boolean }, destination?: pino.DestinationStream): Logger {
  const to = destination ?? (options.sync === false ? pino.destination({ dest: 1, sync: false }) : undefined);
  // With tracing on, every line written inside a span names it (trace_id, span_id).
  return pino({ name: options.name, level: options.level, redact: { paths: REDACT, censor: '[redacted]' }, mixin: logTraceFields }, to);
}

/** Writes out every queued line (asynchronous destination); resolves at once for a synchronous one. */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

/** Probes and scrapes would drown the log; their problems still show in their status codes. */
const QUIET = new Set(['/healthz', '/metrics']);

/** What the request logger keeps on a request: one property (adding properties to Express's requests is not free). */
// Symbol.for: the getter is defined once per process, and several copies of this module (jest's per-file registries) must share it.
const STATE = Symbol.for('contract-bff.request-log');
interface RequestLogState { base: Logger; child?: Logger; url: string; started: number }
type LoggedRequest = IncomingMessage & { id: string; [STATE]: RequestLogState };

/** The getter behind `req.log`: the request's child logger, made on first use (undefined for a request no requestLogger saw). */
function childLogger(this: LoggedRequest): Logger | undefined {
  const state = this[STATE];
  if (!state) return undefined;
  return (state.child ??= state.base.child({ req: { method: this.method, path: state.url.split('?')[0] }, globalNo: this.id }));
}

/**
 * `req.log` is a getter on the prototype every request inherits, defined once: defining it on each
 * request (`Object.defineProperty`) cost 1.5–2.5 % of a proxied request's CPU (docs/benchmarks.md).
 * Express's request objects inherit from IncomingMessage, so they find it too; a setter lets
 * code that assigns `req.log` keep its own.
 */
function defineLogGetter(): void {
  if (Object.getOwnPropertyDescriptor(http.IncomingMessage.prototype, 'log')) return;
  Object.defineProperty(http.IncomingMessage.prototype, 'log', {
    get: childLogger,
    set(this: IncomingMessage, value: Logger) {
      Object.defineProperty(this, 'log', { value, writable: true, configurable: true, enumerable: false });
    },
    configurable: true,
    enumerable: false,
  });
}

/** The completion line, on 'finish' or 'close' whichever comes first; built only when its level is on. */
function logCompletion(this: ServerResponse): void {
  this.removeListener('close', logCompletion);
  this.removeListener('finish', logCompletion);
  const req = this.req as LoggedRequest;
  const failed = this.statusCode >= 500;
  const level = failed ? 'error' : 'info';
  if (!req[STATE].base.isLevelEnabled(level)) return;
  const line: Record<string, unknown> = { res: { statusCode: this.statusCode }, responseTime: Date.now() - req[STATE].started };
  if (failed) {
    line.err = new Error(`failed with status code ${this.statusCode}`);
    req.log.error(line, 'request errored');
  } else {
    req.log.info(line, !req.readableAborted && this.writableEnded ? 'request completed' : 'request aborted');
  }
}

/**
 * One log line per request, tagged with the request's globalNo (which is also its id, so every
 * `req.log` line of that request carries it). Only method and path are logged: query strings can
 * hold authorization codes and state. The line is the one pino-http wrote (`req`, `res`,
 * `responseTime`; "request completed" / "aborted", or "request errored" at level error for a 5xx).
 * It replaces pino-http, which on every request builds two child loggers, a fully serialised
 * request (headers, parsed query) and the completion object even when the level drops the line:
 * the largest share of the edge's CPU in the profile (docs/benchmarks.md). Here the child logger is
 * made on first use of `req.log`, the completion line only when its level is enabled, and no
 * closure is made per request (tsx's keepNames would wrap each named one in a defineProperty).
 */
export function requestLogger(logger: Logger): RequestHandler {
  defineLogGetter();
  return (req, res, next) => {
    const tagged = req as unknown as LoggedRequest;
    tagged.id = globalNoOf(req);
    // The URL captured now: routers rewrite req.url on the way down (originalUrl is Express's, url a bare server's).
    tagged[STATE] = { base: logger, url: req.originalUrl ?? req.url, started: Date.now() };
    if (!QUIET.has(req.url)) {
      res.on('close', logCompletion);
      res.on('finish', logCompletion);
    }
    next();
  };
}
