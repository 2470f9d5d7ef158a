import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { createProxyMiddleware, debugProxyErrorsPlugin, fixRequestBody, proxyEventsPlugin } from 'http-proxy-middleware';
import { globalNoOf } from '../../lib/http/global-no';
import { forwardedHeadersOf, type TrustProxy } from './forwarded-headers';
import type { LegacyRoute } from './legacy-route-schema';
import type { ProxiedRequest } from './proxied-request';
import { answerProxyError, upstreamTimeout } from './proxy-error';
import { identityHeaders, rewriteUpstreamHeaders } from './upstream-headers';
import { rewriteUpstreamResponse } from './rewrite-upstream-response';
import { AppError } from '../../lib/errors/app-error';
import { sendProblem } from '../../lib/errors/problem-handler';
import { Pool, type Dispatcher } from 'undici';
import { undiciWebProxy, type DeferredHeaders } from './undici-web-proxy';

export interface RouteProxy {
  /** Express middleware; the mount path has already been stripped from `req.url`. */
  web: (req: ProxiedRequest, res: http.ServerResponse, next?: (err?: unknown) => void) => void | Promise<void>;
  /** The same, sending the edge's headers with the answer (undici engine only; see DeferredHeaders). */
  deferring?: (req: ProxiedRequest, res: http.ServerResponse, next: (err?: unknown) => void, deferred: DeferredHeaders) => void;
  /** Proxies an upgrade whose `req.url` is already relative to the row's path. */
  upgrade(req: ProxiedRequest, socket: Socket, head: Buffer): void;
  close(): void;
}

/** A keep-alive connection pool to a row's target; rows with the same origin may share one. */
export function upstreamPool(target: string): Pool {
  return new Pool(new URL(target).origin, { connections: 256, keepAliveTimeout: 4_000 });
}

/**
 * One routing-table row. HTTP requests go through undici (a keep-alive pool per target, see
 * undici-web-proxy.ts) unless the row asks for `engine: "http-proxy"`; WebSocket upgrades, and
 * the http-proxy engine, through an http-proxy-middleware instance, made only when needed.
 */
export function createRouteProxy(row: LegacyRoute, trust: TrustProxy, pool?: Dispatcher): RouteProxy {
  if (row.engine === 'http-proxy') return createHttpProxy(row, trust);
  const own = pool ? undefined : upstreamPool(row.target);
  const web = undiciWebProxy(row, trust, pool ?? own!);
  let upgrader: RouteProxy | undefined;
  return {
    web,
    deferring: web.deferring,
    upgrade: (req, socket, head) => (upgrader ??= createHttpProxy(row, trust)).upgrade(req, socket, head),
    close: () => {
      upgrader?.close();
      void own?.destroy();
    },
  };
}

/**
 * One routing-table row as an http-proxy-middleware instance. Our own handlers replace the
 * library's default plugins (which answer errors in plain text and log to the console); the
 * debug plugin stays because it keeps socket errors from crashing the process.
 */
function createHttpProxy(row: LegacyRoute, trust: TrustProxy): RouteProxy {
  // Keep-alive to the upstream: without an agent http-proxy sends `Connection: close` on every call.
  const agent = row.target.startsWith('https:') ? new https.Agent({ keepAlive: true, maxSockets: 256 }) : new http.Agent({ keepAlive: true, maxSockets: 256 });
  const upstreamHeaders = (req: ProxiedRequest) => ({
    ...forwardedHeadersOf(req, trust),
    // Public rows never learn who the user is, even when a session happens to exist.
    ...identityHeaders(row.auth === 'session' ? req.user : undefined, req.globalNo ?? globalNoOf(req)),
  });

  const proxy = createProxyMiddleware<ProxiedRequest, http.ServerResponse>({
    target: row.target,
    // The VM app sees its own host name; the browser's goes in X-Forwarded-Host.
    changeOrigin: true,
    pathRewrite: row.pathRewrite,
    agent,
    // Upgrades are dispatched by the BFF's own upgrade handler, after its session check.
    ws: false,
    xfwd: false,
    ejectPlugins: true,
    plugins: [debugProxyErrorsPlugin, proxyEventsPlugin],
    on: {
      proxyReq: (proxyReq, req) => {
        rewriteUpstreamHeaders(proxyReq, upstreamHeaders(req), { extra: row.forwardHeaders });
        // An idle timer, not a deadline: a long download that keeps flowing is not cut.
        proxyReq.setTimeout(row.timeoutMs, () => proxyReq.destroy(upstreamTimeout(row.timeoutMs)));
        // Only acts if some body parser consumed the stream before us; otherwise the body streams.
        fixRequestBody(proxyReq, req);
      },
      proxyReqWs: (proxyReq, req) => {
        rewriteUpstreamHeaders(proxyReq, upstreamHeaders(req), { extra: row.forwardHeaders, websocket: true });
        // http-proxy writes these answers' headers straight to the socket: no proxyRes event to clean them in.
        // Registered before http-proxy's own listeners, so they run first.
        proxyReq.on('upgrade', (upstreamRes: http.IncomingMessage) => void delete upstreamRes.headers['set-cookie']);
        proxyReq.on('response', (upstreamRes: http.IncomingMessage) => void delete upstreamRes.headers['set-cookie']);
        proxyReq.setTimeout(row.timeoutMs, () => proxyReq.destroy(upstreamTimeout(row.timeoutMs)));
        // Once upgraded the connection may idle as long as both ends like.
        proxyReq.on('upgrade', (_res, upstreamSocket: Socket) => upstreamSocket.setTimeout(0));
      },
      proxyRes: (proxyRes, req, res) => {
        rewriteUpstreamResponse(proxyRes, row);
        if ((proxyRes.statusCode ?? 502) >= 500 && !row.relayErrors) {
          // The app's error page may carry its stack trace and secrets: the browser gets a problem.
          proxyRes.resume();
          (req as { log?: { warn(o: object, m: string): void } }).log?.warn({ status: proxyRes.statusCode, row: row.path }, 'legacy app answered with a server error');
          sendProblem(res, new AppError('UPSTREAM_BAD_RESPONSE', `The legacy app behind ${row.path} failed to answer this request`), (req as { originalUrl?: string }).originalUrl?.split('?')[0]);
          return;
        }
        for (const [name, value] of Object.entries(row.responseHeaders)) {
          if (value === null) {
            res.removeHeader(name);
            delete proxyRes.headers[name];
          } else proxyRes.headers[name] = value;
        }
      },
      error: (err, req, res) => answerProxyError(err, req, res, row.path),
    },
  });
  return {
    web: proxy,
    upgrade: (req, socket, head) => proxy.upgrade(req, socket, head),
    close: () => agent.destroy(),
  };
}
