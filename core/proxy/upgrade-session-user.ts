import http from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { BffConfig } from '../../config/bff-config';
import { AppError } from '../../lib/errors/app-error';
import { sessionExpiry } from '../session/enforce-session-lifetime';
import type { BffUser } from '../session/session-types';
import type { ProxiedRequest } from './proxied-request';

/**
 * The logged-in user of an upgrade request, which never passes through Express: the same session
 * middleware runs on it with a throw-away response (the session is read, never written), and the
 * idle and absolute timeouts are checked as for any request.
 */
export async function upgradeSessionUser(req: ProxiedRequest, session: RequestHandler, config: BffConfig): Promise<BffUser> {
  const scratch = new http.ServerResponse(req);
  await new Promise<void>((resolve, reject) =>
    session(req as Request, scratch as unknown as Response, (err?: unknown) => (err ? reject(err instanceof Error ? err : new Error('the session middleware failed', { cause: err })) : resolve())),
  );
  const state = (req as Request).session;
  const user = state?.passport?.user;
  if (!user) throw new AppError('SESSION_REQUIRED');
  const { expiresAt } = sessionExpiry(config, state.createdAt ?? 0, state.lastSeenAt ?? 0);
  if (Date.parse(expiresAt) <= Date.now()) throw new AppError('SESSION_EXPIRED');
  return user;
}
