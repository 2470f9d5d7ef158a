import type { ClientRequest } from 'node:http';
import type { BffUser } from '../session/session-types';

/**
 * Never sent upstream as the browser gave them: its credentials (the BFF's session cookie must
 * not reach a legacy app — Duende BFF fixed exactly this leak), and every header the BFF itself
 * vouches for, so that a browser cannot pose as another user or fake its address.
 */
const STRIPPED = /^(cookie|authorization|proxy-authorization|x-user-[\w-]+|x-global-no|forwarded|x-forwarded-[\w-]+|x-real-ip)$/i;

/** The user's identity as the legacy apps read it. Header values are Latin-1, names may be Korean: percent-encoded UTF-8. */
export function identityHeaders(user: BffUser | undefined, globalNo: string): Record<string, string> {
  const headers: Record<string, string> = { 'x-global-no': globalNo };
  if (!user) return headers;
  headers['x-user-sub'] = user.sub;
  const { name, email } = user.claims;
  if (typeof name === 'string') headers['x-user-name'] = encodeURIComponent(name);
  if (typeof email === 'string') headers['x-user-email'] = encodeURIComponent(email);
  return headers;
}

/** Rewrites the outgoing request's headers before they are sent. */
export function rewriteUpstreamHeaders(proxyReq: ClientRequest, added: Record<string, string>): void {
  for (const name of proxyReq.getHeaderNames()) {
    if (STRIPPED.test(name)) proxyReq.removeHeader(name);
  }
  for (const [name, value] of Object.entries(added)) proxyReq.setHeader(name, value);
}
