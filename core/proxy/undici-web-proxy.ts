import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { AppError } from '../../lib/errors/app-error';
import { sendProblem } from '../../lib/errors/problem-handler';
import { globalNoOf } from '../../lib/http/global-no';
import { forwardedHeadersOf, type TrustProxy } from './forwarded-headers';
import type { LegacyRoute } from './legacy-route-schema';
import type { ProxiedRequest } from './proxied-request';
import { answerProxyError, upstreamTimeout } from './proxy-error';
import { rewriteAnswerHeaders } from './rewrite-upstream-response';
import { allowedRequestHeaders, identityHeaders, pickRequestHeaders } from './upstream-headers';

type Controller = Dispatcher.DispatchController;
type Headers = Record<string, string | string[] | undefined>;

/**
 * The edge's own answer headers (the security headers, the globalNo), left unset by a caller that
 * wants them sent with the upstream's in one `writeHead` (the fast path, routes/legacy-fast-path.ts):
 * an answer relayed from the upstream gets them unless the upstream or the row sets the same
 * name, as it would have replaced them; a problem answer gets them all, first.
 */
export interface DeferredHeaders {
  fixed: readonly (readonly [name: string, value: string | readonly string[]])[];
  globalNo: string;
}

/** undici's own timers, which stand for the row's idle timeout (no headers, or a body that stopped flowing). */
const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** What one row needs per request, computed once. */
interface Row {
  route: LegacyRoute;
  trust: TrustProxy;
  allowed: ReadonlySet<string>;
  /** The target's path without its trailing slash ('' for none): the upstream path is this + the request's. */
  prefix: string;
  rewrite?: (url: string) => string;
  overrides: [string, string | null][];
  /** The header names the row sets or drops itself. */
  overridden: ReadonlySet<string>;
}

/** Sets the deferred edge headers on a response, as the edge would have. */
export function setDeferredHeaders(res: ServerResponse, deferred: DeferredHeaders): void {
  for (const [name, value] of deferred.fixed) res.setHeader(name, value);
  res.setHeader('x-global-no', deferred.globalNo);
}

const EXCHANGE = Symbol('proxy exchange');
type ProxiedResponse = ServerResponse & { [EXCHANGE]: Exchange };

/**
 * One request through the proxy, as an undici dispatch handler: the answer is written straight to
 * the browser's response as it arrives, with backpressure both ways (undici reads the request
 * body as the upstream takes it; the upstream is paused while the browser's socket is full).
 * Listeners are shared functions that find the exchange on the response: no closures per request.
 */
class Exchange implements Dispatcher.DispatchHandler {
  controller?: Controller;
  /** The upstream answered a 5xx this row does not relay: its body is drained, not sent. */
  discard = false;
  settled = false;
  clientGone = false;

  constructor(
    readonly req: ProxiedRequest,
    readonly res: ProxiedResponse,
    readonly row: Row,
    public deferred: DeferredHeaders | undefined,
  ) {}

  /** The edge's headers set on the response now, before an answer of our own (a problem). */
  setDeferred(): void {
    if (!this.deferred) return;
    setDeferredHeaders(this.res, this.deferred);
    this.deferred = undefined;
  }

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    if (this.clientGone) controller.abort(new Error('client went away'));
  }

  onResponseStart(_controller: Controller, statusCode: number, headers: Headers): void {
    if (statusCode < 200) return; // informational answers are not relayed
    const { route } = this.row;
    if (statusCode >= 500 && !route.relayErrors) {
      // The app's error page may carry its stack trace and secrets: the browser gets a problem.
      (this.req as { log?: { warn(o: object, m: string): void } }).log?.warn({ status: statusCode, row: route.path }, 'legacy app answered with a server error');
      this.answerBadResponse();
      return;
    }
    try {
      this.relayHead(statusCode, headers);
    } catch (err) {
      // A header Node will not send (undici's parser is more lenient than setHeader): a 502, never a crash.
      (this.req as { log?: { warn(o: object, m: string): void } }).log?.warn({ err: (err as Error).message, row: route.path }, 'legacy app answered headers that cannot be relayed');
      for (const name in headers) this.res.removeHeader(name);
      this.answerBadResponse();
    }
  }

  /** The answer's body is drained, not sent; the browser gets a 502 problem. */
  private answerBadResponse(): void {
    this.discard = true;
    this.setDeferred();
    const { req, res, row } = this;
    sendProblem(res, new AppError('UPSTREAM_BAD_RESPONSE', `The legacy app behind ${row.route.path} failed to answer this request`), (req as { originalUrl?: string }).originalUrl?.split('?')[0]);
  }

  private relayHead(statusCode: number, headers: Headers): void {
    const { res, row, deferred } = this;
    const { route } = row;
    rewriteAnswerHeaders(headers, route);
    // Node frames the answer to the browser itself (chunked, or Content-Length when the upstream gave one).
    delete headers['transfer-encoding'];
    for (const [name, value] of row.overrides) {
      if (value === null) {
        res.removeHeader(name);
        delete headers[name];
      } else headers[name] = value;
    }
    if (!deferred) {
      // The edge's headers are set already (the Express path): the upstream's replace them one by
      // one, repeated ones (WWW-Authenticate, Link) kept whole as arrays. The status code only:
      // Node sends its standard reason phrase (an upstream's may not be valid to send).
      res.statusCode = statusCode;
      for (const name in headers) {
        const value = headers[name];
        if (value !== undefined) res.setHeader(name, value);
      }
      return;
    }
    // The fast path: one flat list, one writeHead, nothing set before it (no setHeader per header).
    const out: string[] = [];
    for (const [name, value] of deferred.fixed) {
      if (name in headers || row.overridden.has(name)) continue;
      if (typeof value === 'string') out.push(name, value);
      else for (const one of value) out.push(name, one);
    }
    out.push('x-global-no', deferred.globalNo);
    for (const name in headers) {
      const value = headers[name];
      if (typeof value === 'string') out.push(name, value);
      else if (value !== undefined) for (const one of value) out.push(name, one);
    }
    res.writeHead(statusCode, out);
    this.deferred = undefined;
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.discard || this.clientGone) return;
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', resumeUpstream);
    }
  }

  onResponseEnd(): void {
    this.settled = true;
    if (!this.discard && !this.clientGone) this.res.end();
  }

  onResponseError(_controller: Controller, err: Error & { code?: string }): void {
    this.settled = true;
    if (this.clientGone) return;
    const failure = TIMEOUTS.has(err.code ?? '') ? upstreamTimeout(this.row.route.timeoutMs) : err;
    if (!this.res.headersSent) this.setDeferred();
    answerProxyError(failure, this.req, this.res, this.row.route.path);
  }
}

function resumeUpstream(this: ProxiedResponse): void {
  this[EXCHANGE].controller?.resume();
}

/** The browser went away before the answer was complete: the upstream call is cancelled, not left to run. */
function abandonUpstream(this: ProxiedResponse): void {
  const exchange = this[EXCHANGE];
  if (exchange.settled || this.writableFinished) return;
  exchange.clientGone = true;
  exchange.controller?.abort(new Error('client went away'));
}

/**
 * A body some parser already read (express.json() before the proxy): sent again, re-serialised,
 * as http-proxy-middleware's fixRequestBody does; otherwise the request itself streams through.
 */
function bodyOf(req: IncomingMessage & { body?: unknown }, headers: Record<string, string | string[]>): IncomingMessage | string | null {
  if (req.readableEnded) {
    const type = String(headers['content-type'] ?? '');
    if (req.body === undefined || req.body === null || !type) return null;
    const text = /application\/json|\+json/.test(type) ? JSON.stringify(req.body) : typeof req.body === 'string' ? req.body : new URLSearchParams(req.body as Record<string, string>).toString();
    headers['content-length'] = String(Buffer.byteLength(text));
    return text;
  }
  return req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined ? req : null;
}

/**
 * A routing-table row proxied with undici: a keep-alive pool per target (shared by the rows with
 * that target), the allow-listed headers plus ours, the row's idle timeout as undici's headers and
 * body timeouts, bodies streamed both ways. The same guarantees as the http-proxy engine
 * (create-route-proxy.ts), at about twice its requests/s (bench/README.md).
 */
export function undiciWebProxy(route: LegacyRoute, trust: TrustProxy, pool: Dispatcher) {
  const rules = Object.entries(route.pathRewrite ?? {}).map(([pattern, value]) => ({ regex: new RegExp(pattern), value }));
  const row: Row = {
    route,
    trust,
    allowed: allowedRequestHeaders(route.forwardHeaders),
    prefix: new URL(route.target).pathname.replace(/\/+$/, ''),
    // As http-proxy-middleware applies pathRewrite: the first rule that matches, to the URL with its query.
    rewrite: rules.length ? (url) => {
      const rule = rules.find((r) => r.regex.test(url));
      return rule ? url.replace(rule.regex, rule.value) : url;
    } : undefined,
    overrides: Object.entries<string | null>(route.responseHeaders),
    overridden: new Set(Object.keys(route.responseHeaders)),
  };
  const run = (req: ProxiedRequest, res: ServerResponse, next: ((err?: unknown) => void) | undefined, deferred: DeferredHeaders | undefined): void => {
    const url = row.rewrite ? row.rewrite(req.url ?? '/') : (req.url ?? '/');
    // As http-proxy joins target and request paths: one slash between them, runs of slashes collapsed.
    const q = url.indexOf('?');
    const joined = row.prefix + (q < 0 ? url : url.slice(0, q));
    const path = (joined.includes('//') ? joined.replace(/\/+/g, '/') : joined) + (q < 0 ? '' : url.slice(q));
    const headers = pickRequestHeaders(req.headers, row.allowed);
    forwardedHeadersOf(req, trust, headers);
    // Public rows never learn who the user is, even when a session happens to exist.
    identityHeaders(route.auth === 'session' ? req.user : undefined, req.globalNo ?? globalNoOf(req), headers);
    const exchange = new Exchange(req, res as ProxiedResponse, row, deferred);
    (res as ProxiedResponse)[EXCHANGE] = exchange;
    res.once('close', abandonUpstream);
    try {
      pool.dispatch(
        { path: path.startsWith('/') ? path : `/${path}`, method: req.method ?? 'GET', headers, body: bodyOf(req, headers), headersTimeout: route.timeoutMs, bodyTimeout: route.timeoutMs },
        exchange,
      );
    } catch (err) {
      // undici refused the request before sending it (a header or method it will not send).
      exchange.settled = true;
      exchange.setDeferred();
      if (next) next(new AppError('MALFORMED_REQUEST', 'The request cannot be forwarded', {}, { cause: err }));
      else answerProxyError(err as Error, req, res, route.path);
    }
  };
  // Three parameters for Express (a fourth would make it an error handler); the fast path passes its headers.
  return Object.assign((req: ProxiedRequest, res: ServerResponse, next?: (err?: unknown) => void) => run(req, res, next, undefined), { deferring: run });
}
