import express from 'express';
import { z } from 'zod';
import type { Passport } from 'passport';
import type { BffRuntime } from '../../core/runtime/build-bff-runtime';
import { loginStateCookie } from '../../core/auth/login-state-cookie';
import { requireSession } from '../../core/http/require-session';
import { loginStrategy } from './login-strategy';
import { login } from './login';
import { callback } from './callback';
import { user } from './user';
import { logout } from './logout';
import { backchannelLogout } from './backchannel-logout';
import { sessionsEndpoints } from './sessions';
import { diagnostics } from './diagnostics';
import type { DocumentedRoute } from '../../lib/openapi/api-route';
import { documentedRouter } from '../../lib/openapi/documented-router';
import { bffResponses } from '../openapi/bff-responses';

const loginQuery = z.looseObject({
  returnTo: z.string().optional().meta({ description: 'where to go after the login; must resolve to this origin' }),
  prompt: z.enum(['none', 'login']).optional().meta({ description: '`none`: the silent login (a refusal comes back as `returnTo?login_error=login_required`)' }),
});
const logoutQuery = z.looseObject({ sid: z.string().meta({ description: 'the `sid` of /bff/user\'s `logoutUrl`' }) });

/**
 * Duende BFF's management endpoints under /bff, one file per endpoint family: login, callback,
 * user, logout, back-channel logout, sessions (and diagnostics in development).
 */
export function authEndpoints(runtime: BffRuntime, passport: InstanceType<typeof Passport>, routes: DocumentedRoute[]) {
  const { router, route } = documentedRouter(routes, '/bff');
  const attempt = loginStateCookie(runtime.config);
  const ready = loginStrategy(runtime, passport);
  // The login and logout handlers read their query themselves (their own error codes): documented here.
  route(
    { method: 'get', path: '/login', summary: 'Start the SSO login (code + PKCE); 302 to the identity provider', public: true, request: { query: loginQuery }, validatedElsewhere: true, responses: { 302: 'to the SSO', 400: 'INVALID_RETURN_URL or VALIDATION_FAILED', 429: 'TOO_MANY_REQUESTS', 503: 'SSO_UNAVAILABLE / SESSION_STORE_UNAVAILABLE' } },
    login(runtime, passport, ready, attempt),
  );
  route(
    { method: 'get', path: '/callback', summary: 'The SSO returns here with the authorization code; the session id is regenerated and the browser sent to `returnTo`', public: true, responses: { 302: 'to returnTo', 401: 'LOGIN_FAILED', 503: 'SSO_UNAVAILABLE / SESSION_STORE_UNAVAILABLE' } },
    callback(runtime, passport, ready, attempt),
  );
  route(
    { method: 'get', path: '/user', summary: 'The user and the session\'s clock; `?slide=false` does not extend the session', guards: [requireSession()], responses: { 200: { description: 'the user', schema: bffResponses.user }, 401: 'SESSION_REQUIRED / SESSION_EXPIRED' } },
    user(runtime.config),
  );
  route(
    { method: 'get', path: '/logout', summary: "Navigate here (the `logoutUrl` of /bff/user): ends the session, revokes the refresh token, 302 to the SSO's end-session endpoint", public: true, request: { query: logoutQuery }, validatedElsewhere: true, responses: { 302: 'to the SSO', 400: 'LOGOUT_SID_INVALID' } },
    logout(runtime),
  );
  route(
    {
      method: 'post',
      path: '/backchannel-logout',
      summary: "The SSO's back-channel logout (form field `logout_token`): ends every BFF session of that SSO session",
      public: true,
      body: { contentType: 'application/x-www-form-urlencoded', schema: z.object({ logout_token: z.string() }) },
      guards: [express.urlencoded({ extended: false, limit: '16kb' })],
      responses: { 200: { description: 'sessions ended (empty body)', contentType: 'text/plain', schema: z.string().max(0) }, 400: 'LOGOUT_TOKEN_INVALID' },
    },
    backchannelLogout(runtime),
  );
  sessionsEndpoints(runtime, route);
  if (runtime.config.diagnostics) {
    route(
      { method: 'get', path: '/diagnostics', summary: 'Development only (BFF_DIAGNOSTICS): what the BFF knows of this session, never a token', guards: [requireSession()], responses: { 200: { description: 'diagnostics', schema: bffResponses.diagnostics }, 401: 'SESSION_REQUIRED' } },
      diagnostics(runtime),
    );
  }
  return router;
}
