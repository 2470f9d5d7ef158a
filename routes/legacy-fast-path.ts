import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { RouteProxy } from '../core/proxy/create-route-proxy';
import type { LegacyRoute } from '../core/proxy/legacy-route-schema';
import type { ProxiedRequest } from '../core/proxy/proxied-request';
import type { RowSessionReader } from '../core/proxy/read-row-session';
import type { Claim } from '../lib/http/claim-before-express';
import { normalizePath } from '../lib/http/normalize-path';
import { tracingOn } from '../lib/telemetry/trace';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const noop = () => undefined;

type Row = { row: LegacyRoute; proxy: RouteProxy };
type Req = ProxiedRequest & { originalUrl?: string; baseUrl?: string; sessionID?: string };

/**
 * The routing table served in front of Express, for the requests whose answer the Express path
 * would leave to the proxy: a public row; a session row with a live session whose idle clock need
 * not move yet (and, for a state-changing call on a CSRF row, `X-CSRF: 1`). They get the same
 * edge steps (`edge`: request log, globalNo, metrics, security headers, upgrade handler, as plain
 * functions), the same path normalisation and the same proxy instances. Everything else — a bad
 * path, no row, no session, a session about to change, a missing CSRF header, tracing on (its
 * spans need Express's request) — goes to Express untouched and is answered there exactly as
 * before: the 400, the redirect to the login, the 401, the 403, the session's idle clock.
 */
export function legacyFastPath(rows: readonly Row[], edge: readonly RequestHandler[], reader: RowSessionReader, problems: ErrorRequestHandler): Claim {
  const table = rows.map(({ row, proxy }) => ({ row, web: proxy.web, under: `${row.path}/` }));
  const serve = (entry: (typeof table)[number], req: Req, res: ServerResponse, url: string): void => {
    for (const step of edge) step(req as never, res as never, noop);
    // As Express leaves them: the normalised URL, then the row's prefix stripped from req.url.
    req.originalUrl = url;
    req.baseUrl = entry.row.path;
    const rest = url.slice(entry.row.path.length);
    req.url = rest === '' || rest[0] !== '/' ? `/${rest}` : rest;
    void entry.web(req, res, (err) => problems(err, req as never, res as never, noop));
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
    const url = q < 0 ? path : path + raw.slice(q);
    if (entry.row.auth === 'public') {
      serve(entry, req, res, url);
      return true;
    }
    if (entry.row.csrf && !SAFE.has(req.method ?? '') && req.headers['x-csrf'] !== '1') return false;
    const id = reader.idOf(req.headers.cookie);
    if (!id) return false;
    reader.read(id, (session) => {
      if (session.kind !== 'user') return toExpress();
      req.user = session.user;
      req.sessionID = id;
      serve(entry, req, res, url);
    });
    return true;
  };
}
