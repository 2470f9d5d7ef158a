import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { RequestHandler } from 'express';
import type { BffConfig } from '../../config/bff-config';
import { AppError } from '../../lib/errors/app-error';
import { globalNoOf } from '../../lib/http/global-no';
import { normalizePath } from '../../lib/http/normalize-path';
import type { Logger } from '../../lib/http/logger';
import type { RouteProxy } from './create-route-proxy';
import type { LegacyRoute } from './legacy-route-schema';
import type { ProxiedRequest } from './proxied-request';
import { refuseUpgrade } from './refuse-upgrade';
import { upgradeSessionUser } from './upgrade-session-user';

export type UpgradeHandler = (req: IncomingMessage, socket: Socket, head: Buffer) => void;

/** The part of the URL below the row's path, or undefined when the row does not match. */
function below(rowPath: string, url: string): string | undefined {
  if (url === rowPath) return '/';
  if (url.startsWith(`${rowPath}/`)) return url.slice(rowPath.length);
  if (url.startsWith(`${rowPath}?`)) return `/${url.slice(rowPath.length)}`;
  return undefined;
}

/**
 * WebSocket upgrades for the rows that allow them. A session row needs a live session and a
 * same-origin `Origin`: browsers send cookies with cross-site WebSocket handshakes and apply no
 * CORS to them, so the Origin check is the WebSocket's CSRF protection.
 */
export function createUpgradeHandler(
  routes: readonly { row: LegacyRoute; proxy: RouteProxy }[],
  options: { config: BffConfig; session: RequestHandler; logger: Logger },
): UpgradeHandler {
  const { config, session, logger } = options;
  const ownOrigin = new URL(config.publicUrl).origin;
  return (req: ProxiedRequest, socket, head) => {
    const globalNo = globalNoOf(req);
    req.globalNo = globalNo;
    socket.on('error', () => socket.destroy());
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    // The same normalisation as for plain requests, before any row is matched.
    const normalized = normalizePath(q < 0 ? raw : raw.slice(0, q));
    const url = normalized.ok ? (q < 0 ? normalized.path : normalized.path + raw.slice(q)) : raw;
    const match = routes.map((r) => ({ ...r, rest: below(r.row.path, url) })).find((r) => r.rest !== undefined && r.row.websocket);
    const accept = async () => {
      if (!normalized.ok) throw new AppError('INVALID_PATH', `The request path is not valid: ${normalized.reason}`);
      if (!match) throw new AppError('NOT_FOUND', 'No WebSocket endpoint here');
      if (normalized.pathParameters && !match.row.allowPathParameters) throw new AppError('INVALID_PATH', 'The request path is not valid: ;parameters are not accepted here');
      if (match.row.auth === 'session') {
        const origin = req.headers.origin;
        if (origin && origin !== ownOrigin) throw new AppError('ORIGIN_NOT_ALLOWED', 'WebSocket connections are accepted from this site only');
        req.user = await upgradeSessionUser(req, session, config);
      }
      req.url = match.rest;
      match.proxy.upgrade(req, socket, head);
    };
    accept().catch((err: unknown) => {
      logger.info({ globalNo, code: (err as AppError).code }, 'websocket upgrade refused');
      refuseUpgrade(socket, err, globalNo);
    });
  };
}
