import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** Express's compiled `trust proxy` function: is the address at this hop a proxy we trust? */
export type TrustProxy = (address: string, hop: number) => boolean;

const firstOf = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.split(',')[0].trim() || undefined;

/**
 * X-Forwarded-For/Proto/Host as nginx's `$proxy_add_x_forwarded_for` sets them. The browser's
 * own X-Forwarded-* values are kept only when our direct peer is a trusted proxy; otherwise they
 * are a client's claims and are replaced.
 */
export function forwardedHeadersOf(req: IncomingMessage, trust: TrustProxy, headers: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  const peer = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  const trusted = peer !== '' && trust(req.socket.remoteAddress ?? '', 0);
  const prior = trusted ? [req.headers['x-forwarded-for']].flat().filter(Boolean).join(', ') : '';
  const proto = (trusted && firstOf(req.headers['x-forwarded-proto'])) || ((req.socket as TLSSocket).encrypted ? 'https' : 'http');
  const host = (trusted && firstOf(req.headers['x-forwarded-host'])) || req.headers.host || '';
  headers['x-forwarded-for'] = prior ? `${prior}, ${peer}` : peer;
  headers['x-forwarded-proto'] = proto;
  headers['x-forwarded-host'] = host;
  return headers;
}
