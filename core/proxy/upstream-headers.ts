import type { ClientRequest, IncomingHttpHeaders } from 'node:http';
import type { BffUser } from '../session/session-types';
import { traceHeaders } from '../../lib/telemetry/trace';

/**
 * The request headers a legacy app gets from the browser: an allow-list, so a header nobody
 * thought of (X-Original-URL, X-Rewrite-URL, X-HTTP-Method-Override, a debug switch) never
 * reaches an app that might trust it. Credentials (the BFF's session cookie — Duende BFF fixed
 * exactly this leak — and Authorization), hop-by-hop headers and every header the BFF vouches for
 * itself (X-Forwarded-*, X-User-*, x-global-no) are not on it. Framing headers stay: Node has
 * already checked them, and the body streams through as framed.
 */
const FORWARDED = new Set([
  'host', // already the target's (changeOrigin)
  'content-length',
  'transfer-encoding',
  'content-type',
  'content-encoding',
  'content-language',
  'accept',
  'accept-language',
  'accept-encoding',
  'range',
  'if-range',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'cache-control',
  'pragma',
  'user-agent',
  'referer',
  'origin',
  'x-requested-with',
  'x-csrf',
  'idempotency-key',
  'sec-fetch-mode',
  'sec-fetch-site',
  'sec-fetch-dest',
  // W3C trace context: the browser's when the BFF does not trace; replaced by the BFF's own span when it does.
  'traceparent',
  'tracestate',
]);

/** A WebSocket handshake also needs these (http-proxy sets Connection/Upgrade for it). */
const WEBSOCKET = new Set(['connection', 'upgrade', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions']);

/**
 * The allow-list as one set for a row (plus the row's own headers), for engines that build the
 * upstream request's headers themselves. Without `host` (the client sets the target's) and
 * `transfer-encoding` (the client frames the streamed body itself).
 */
export function allowedRequestHeaders(extra: readonly string[]): ReadonlySet<string> {
  const allowed = new Set([...FORWARDED, ...extra]);
  allowed.delete('host');
  allowed.delete('transfer-encoding');
  return allowed;
}

/** The browser's allow-listed headers, copied into a new object. */
export function pickRequestHeaders(incoming: IncomingHttpHeaders, allowed: ReadonlySet<string>): Record<string, string | string[]> {
  const picked: Record<string, string | string[]> = {};
  for (const name in incoming) {
    const value = incoming[name];
    if (value !== undefined && allowed.has(name)) picked[name] = value;
  }
  return picked;
}

/** The user's identity as the legacy apps read it. Header values are Latin-1, names may be Korean: percent-encoded UTF-8. */
export function identityHeaders(user: BffUser | undefined, globalNo: string, headers: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  headers['x-global-no'] = globalNo;
  Object.assign(headers, traceHeaders());
  if (!user) return headers;
  headers['x-user-sub'] = user.sub;
  const { name, email } = user.claims;
  if (typeof name === 'string') headers['x-user-name'] = encodeURIComponent(name);
  if (typeof email === 'string') headers['x-user-email'] = encodeURIComponent(email);
  return headers;
}

/** Rewrites the outgoing request's headers before they are sent: the allow-list (plus the row's own), then ours. */
export function rewriteUpstreamHeaders(proxyReq: ClientRequest, added: Record<string, string | string[]>, options: { extra?: readonly string[]; websocket?: boolean } = {}): void {
  const extra = new Set(options.extra ?? []);
  for (const name of proxyReq.getHeaderNames()) {
    if (FORWARDED.has(name) || extra.has(name) || (options.websocket && WEBSOCKET.has(name))) continue;
    proxyReq.removeHeader(name);
  }
  for (const [name, value] of Object.entries(added)) proxyReq.setHeader(name, value);
}
