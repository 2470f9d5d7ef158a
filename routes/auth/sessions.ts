import type { Request, Response } from 'express';
import { z } from 'zod';
import type { BffRuntime } from '../../core/runtime/build-bff-runtime';
import { AppError } from '../../lib/errors/app-error';
import { requireSession } from '../../core/http/require-session';
import { requireCsrf } from '../../core/http/require-csrf';
import { endSessions } from '../../core/auth/end-sessions';
import type { IndexedSession } from '../../core/session/session-index';
import type { BffUser } from '../../core/session/session-types';
import type { documentedRouter } from '../../lib/openapi/documented-router';
import { bffResponses } from '../openapi/bff-responses';

/** A session as the user's list shows it: an opaque handle (never the store key the cookie carries). */
const view = (session: IndexedSession, current: string | undefined) => ({
  id: session.data.handle,
  app: session.data.app ?? null,
  startedAt: session.data.createdAt ? new Date(session.data.createdAt).toISOString() : null,
  lastSeenAt: session.data.lastSeenAt ? new Date(session.data.lastSeenAt).toISOString() : null,
  browser: session.data.client ?? 'Unknown browser',
  current: session.data.handle === current,
});

const handleParams = z.object({ id: z.string().regex(/^[\w-]{16,64}$/, 'not a session id') }).strict();
const subParams = z.object({ sub: z.string().min(1).max(255) }).strict();

/**
 * Sessions a user controls (Duende BFF's session management, across both apps: the per-user
 * index in Redis is shared). `GET /bff/sessions` lists them; `DELETE /bff/sessions/:id` ends one;
 * `DELETE /bff/sessions` ends all but this one ("sign out everywhere else"). Only sessions that
 * carry a handle (made by this version's login) are listed or ended by handle.
 */
export function sessionsEndpoints(runtime: BffRuntime, route: ReturnType<typeof documentedRouter>['route']): void {
  const { sessionIndex } = runtime;
  const signedIn = [requireSession()];
  const changing = [requireSession(), requireCsrf()];
  const subOf = (req: Request) => (req.user as BffUser).sub;
  const mine = (req: Request) => sessionIndex.sessionsOf(subOf(req));
  const endCurrent = async (req: Request, res: Response) => {
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie(runtime.config.sessionCookieName, { path: '/', httpOnly: true, sameSite: 'lax', secure: runtime.config.cookieSecure });
  };

  route({ method: 'get', path: '/sessions', summary: "The user's live sessions in both apps (opaque ids, never usable as a cookie; `current` marks this one)", guards: signedIn, responses: { 200: { description: 'sessions', schema: bffResponses.userSessions }, 401: 'SESSION_REQUIRED / SESSION_EXPIRED' } }, async (req, res) => {
    const sessions = (await mine(req)).filter((s) => s.data.handle);
    sessions.sort((a, b) => (b.data.lastSeenAt ?? 0) - (a.data.lastSeenAt ?? 0));
    res.set('cache-control', 'no-store').json({ sessions: sessions.map((s) => view(s, req.session.handle)) });
  });

  route({ method: 'delete', path: '/sessions/{id}', summary: "Ends one of the user's sessions (its refresh token revoked at the SSO)", csrf: true, guards: changing, request: { params: handleParams }, responses: { 204: 'ended', 400: 'VALIDATION_FAILED', 401: 'SESSION_REQUIRED / CSRF_REQUIRED', 404: 'NOT_FOUND (not a session of this user)' } }, async (req, res) => {
    const target = (await mine(req)).find((s) => s.data.handle === req.params.id);
    if (!target) throw new AppError('NOT_FOUND', 'No session of yours has this id');
    const current = target.data.handle === req.session.handle;
    await endSessions(runtime, subOf(req), [target], req.log);
    if (current) await endCurrent(req, res);
    req.log?.info({ audit: 'session-ended', sub: subOf(req), app: target.data.app, current }, 'user ended a session');
    res.set('cache-control', 'no-store').status(204).end();
  });

  route({ method: 'delete', path: '/sessions', summary: 'Sign out everywhere else: ends every other session of the user (both apps), their refresh tokens revoked at the SSO', csrf: true, guards: changing, responses: { 200: { description: 'how many ended', schema: bffResponses.sessionsEnded }, 401: 'SESSION_REQUIRED / CSRF_REQUIRED' } }, async (req, res) => {
    const others = (await mine(req)).filter((s) => s.data.handle !== req.session.handle);
    const ended = await endSessions(runtime, subOf(req), others, req.log);
    req.log?.info({ audit: 'sessions-ended', sub: subOf(req), ended }, 'user signed out everywhere else');
    res.set('cache-control', 'no-store').json({ ended });
  });

  // An operator ends every session of a user (a lost device, a leaver): audited in the log.
  route({ method: 'delete', path: '/users/{sub}/sessions', summary: 'Operator (SESSION_ADMIN_ROLE): ends every session of a user in both apps; audited in the log', csrf: true, guards: changing, request: { params: subParams }, responses: { 200: { description: 'how many ended', schema: bffResponses.sessionsEnded }, 401: 'SESSION_REQUIRED / CSRF_REQUIRED', 403: 'FORBIDDEN' } }, async (req, res) => {
    const operator = req.user as BffUser;
    if (!operator.roles.includes(runtime.config.sessionAdminRole)) throw new AppError('FORBIDDEN', `Ending another user's sessions needs the ${runtime.config.sessionAdminRole} role`);
    const sub = req.params.sub as string;
    const sessions = await sessionIndex.sessionsOf(sub);
    const ended = await endSessions(runtime, sub, sessions, req.log);
    if (sessions.some((s) => s.data.handle && s.data.handle === req.session.handle)) await endCurrent(req, res);
    req.log?.info({ audit: 'operator-ended-sessions', operator: operator.sub, operatorName: operator.name, sub, ended }, 'operator ended all sessions of a user');
    res.set('cache-control', 'no-store').json({ ended });
  });
}
