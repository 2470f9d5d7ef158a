import type { IncomingMessage } from 'node:http';
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

/**
 * The upstream's answer as the browser may see it: no cookies (they would land on the BFF's origin,
 * where they could shadow the session cookie), no x-global-no of its own, no caching of a session
 * row's pages (the Back button after logout must not show one), the row's own security headers,
 * and a Location pointing back through the BFF.
 */
export function rewriteUpstreamResponse(proxyRes: IncomingMessage, row: LegacyRoute): void {
  // Hop-by-hop (RFC 9110 §7.6.1): the upstream's keep-alive is about its socket to us, not ours to
  // the browser (relayed, it would hold open a connection the browser asked to close).
  const named = String(proxyRes.headers.connection ?? '').toLowerCase().split(',').map((t) => t.trim()).filter((t) => t && t !== 'close' && t !== 'keep-alive');
  for (const name of ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', ...named]) delete proxyRes.headers[name];
  delete proxyRes.headers['set-cookie'];
  delete proxyRes.headers['x-global-no'];
  if (row.auth === 'session') {
    proxyRes.headers['cache-control'] = 'no-store';
    delete proxyRes.headers.expires;
  }
  const location = proxyRes.headers.location;
  if (location) proxyRes.headers.location = rewriteLocation(location, row);
}
