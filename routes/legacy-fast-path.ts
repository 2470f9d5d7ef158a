import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { csrfSatisfied } from '../core/http/require-csrf';
import type { RouteProxy } from '../core/proxy/create-route-proxy';
import type { LegacyRoute } from '../core/proxy/legacy-route-schema';
import type { ProxiedRequest } from '../core/proxy/proxied-request';
import { handOverSession, type RowSessionReader } from '../core/proxy/read-row-session';
import { AppError } from '../lib/errors/app-error';
import { markEdgeRan } from '../lib/http/edge-once';
import type { Claim } from '../lib/http/claim-before-express';
import type { FixedHeaders } from '../lib/http/fixed-headers';
import { globalNoOf } from '../lib/http/global-no';
import { setDeferredHeaders, type DeferredHeaders } from '../core/proxy/undici-web-proxy';
import { normalizePath } from '../lib/http/normalize-path';
import { tracingOn } from '../lib/telemetry/trace';

const noop = () => undefined;

type Row = { row: LegacyRoute; proxy: RouteProxy };
/** The edge as the fast path runs it: request log, metrics, upgrade handler (plain steps, when it takes a request), then the security headers and the globalNo. */
export interface Edge { steps: readonly RequestHandler[]; securityHeaders: FixedHeaders }
type Req = ProxiedRequest & { id?: string; originalUrl?: string; baseUrl?: string; sessionID?: string };

/**
 * The routing table served in front of Express, for the requests whose answer the Express path
 * would leave to the proxy: a public row; a session row with a live session whose idle clock need
 * not move yet (and, for a state-changing call on a CSRF row, `X-CSRF: 1`). They get the same
 * edge steps (request log, globalNo, metrics, security headers, upgrade handler, as plain
 * functions), the same path normalisation and the same proxy instances. Everything else — a bad
 * path, no row, no cookie, a missing CSRF header, tracing on (its spans need Express's request) —
 * goes to Express untouched and is answered there exactly as before: the 400, the redirect to the
 * login, the 401, the 403. A session that is gone or about to change is handed to Express with
 * what was read (one read, as on the Express path; its log and metrics already started), which
 * answers as before: the 401, the session's idle clock. A browser that left while its session was
 * read gets nothing sent upstream.
 */
export function legacyFastPath(rows: readonly Row[], edge: Edge, reader: RowSessionReader, problems: ErrorRequestHandler): Claim {
  const table = rows.map(({ row, proxy }) => ({ row, web: proxy.web, deferring: proxy.deferring, under: `${row.path}/` }));
  const serve = (entry: (typeof table)[number], req: Req, res: ServerResponse, url: string): void => {
    let deferred: DeferredHeaders | undefined;
    // What Express's router does for a middleware that throws, rejects or passes the request on:
    // a problem, never a crash (this may run in a promise callback, where a throw would be an
    // unhandled rejection) nor a hang.
    const failed = (err: unknown) => {
      if (!res.headersSent && deferred && entry.deferring) setDeferredHeaders(res, deferred);
      problems(err ?? new AppError('NOT_FOUND'), req as never, res as never, noop);
    };
    try {
      // What assignGlobalNo and the security headers do, except that the undici engine sends the
      // headers with the upstream's in one writeHead (or first, with a problem of ours).
      deferred = { fixed: edge.securityHeaders.set, globalNo: (req.globalNo = req.id ?? globalNoOf(req)) };
      if (!entry.deferring) setDeferredHeaders(res, deferred);
      // As Express leaves them: the normalised URL, then the row's prefix stripped from req.url.
      req.originalUrl = url;
      req.baseUrl = entry.row.path;
      const rest = url.slice(entry.row.path.length);
      req.url = rest === '' || rest[0] !== '/' ? `/${rest}` : rest;
      if (entry.deferring) entry.deferring(req, res, failed, deferred);
      else {
        const result = entry.web(req, res, failed);
        if (result instanceof Promise) result.catch(failed);
      }
    } catch (err) {
      failed(err);
    }
  };
  return (incoming: IncomingMessage, res: ServerResponse, toExpress: () => void): boolean => {
    if (tracingOn()) return false;
    const req = incoming as Req;
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const normalized = normalizePath(q < 0 ? raw : raw.slice(0, q));
    if (!normalized.ok) return false;
    const path = normalized.path;
    const entry = table.find((e) => path === e.row.path || path.startsWith(e.under));
    if (!entry) return false;
    // Path parameters only where the row allows them: Express answers the 400 otherwise.
    if (normalized.pathParameters && !entry.row.allowPathParameters) return false;
    const url = q < 0 ? path : path + raw.slice(q);
    let id: string | undefined;
    if (entry.row.auth === 'session') {
      if (entry.row.csrf && !csrfSatisfied(req.method, req.headers['x-csrf'])) return false;
      id = reader.idOf(req.headers.cookie);
      if (!id) return false;
    }
    // Ours from here: the log's and the metrics' clocks start now (the session read included), and
    // a client that leaves during the read is logged; Express, if it gets the request, skips them.
    for (const step of edge.steps) step(req as never, res as never, noop);
    markEdgeRan(req);
    if (id === undefined) {
      serve(entry, req, res, url);
      return true;
    }
    const sessionId = id;
    reader.read(sessionId, (session) => {
      // The browser left while the session was read: nothing is sent upstream (the log says aborted).
      if (res.destroyed) return;
      if (session.kind !== 'user') {
        // Express's readRowSession takes this outcome instead of reading the session again.
        handOverSession(req, session);
        return toExpress();
      }
      req.user = session.user;
      req.sessionID = sessionId;
      serve(entry, req, res, url);
    });
    return true;
  };
}
