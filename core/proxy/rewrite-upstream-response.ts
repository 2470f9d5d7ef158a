import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { LegacyRoute } from './legacy-route-schema';

/** The prefix a row's pathRewrite puts in front of every path (`{ "^/": "/public/" }` → `/public`), if it is that simple. */
function rewritePrefix(row: LegacyRoute): string {
  const rules = Object.entries(row.pathRewrite ?? {});
  if (rules.length !== 1 || rules[0][0] !== '^/') return '';
  return rules[0][1].replace(/\/+$/, '');
}

/**
 * An upstream's `Location` naming the upstream itself (servlet containers build absolute URLs
 * from the Host they were sent, which is the target's) would send the browser around the BFF:
 * it becomes the row's BFF path (relative, on the BFF's origin). Others are left alone.
 */
export function rewriteLocation(location: string, row: LegacyRoute): string {
  if (!URL.canParse(location)) return location;
  const url = new URL(location);
  const target = new URL(row.target);
  if (url.origin !== target.origin) return location;
  const base = target.pathname.replace(/\/+$/, '') + rewritePrefix(row);
  if (base && url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return location;
  return `${row.path}${url.pathname.slice(base.length) || '/'}${url.search}${url.hash}`;
}

/** Hop-by-hop (RFC 9110 §7.6.1) and framing headers: about the upstream's socket to us, not ours to the browser. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade'];

/**
 * The upstream's answer headers as the browser may see them (changed in place): no hop-by-hop
 * headers (a relayed keep-alive would hold open a connection the browser asked to close), no
 * cookies (they would land on the BFF's origin, where they could shadow the session cookie), no
 * x-global-no of its own, no caching of a session row's pages (the Back button after logout must
 * not show one), and a Location pointing back through the BFF.
 */
export function rewriteAnswerHeaders(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>, row: LegacyRoute): void {
  const connection = headers.connection;
  if (connection) {
    for (const token of String(connection).toLowerCase().split(',')) {
      const name = token.trim();
      if (name && name !== 'close' && name !== 'keep-alive') delete headers[name];
    }
  }
  for (const name of HOP_BY_HOP) delete headers[name];
  delete headers['set-cookie'];
  delete headers['x-global-no'];
  if (row.auth === 'session') {
    headers['cache-control'] = 'no-store';
    delete headers.expires;
  }
  const location = headers.location;
  if (typeof location === 'string') headers.location = rewriteLocation(location, row);
}

/** {@link rewriteAnswerHeaders} on an http-proxy answer. */
export function rewriteUpstreamResponse(proxyRes: IncomingMessage, row: LegacyRoute): void {
  rewriteAnswerHeaders(proxyRes.headers, row);
}
