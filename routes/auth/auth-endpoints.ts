import express, { Router } from 'express';
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

/**
 * Duende BFF's management endpoints under /bff, one file per endpoint family: login, callback,
 * user, logout, back-channel logout, sessions (and diagnostics in development).
 */
export function authEndpoints(runtime: BffRuntime, passport: InstanceType<typeof Passport>): Router {
  const router = Router();
  const attempt = loginStateCookie(runtime.config);
  const ready = loginStrategy(runtime, passport);
  router.get('/login', login(runtime, passport, ready, attempt));
  router.get('/callback', callback(runtime, passport, ready, attempt));
  router.get('/user', requireSession(), user(runtime.config));
  router.get('/logout', logout(runtime));
  router.post('/backchannel-logout', express.urlencoded({ extended: false, limit: '16kb' }), backchannelLogout(runtime));
  router.use(sessionsEndpoints(runtime));
  if (runtime.config.diagnostics) router.get('/diagnostics', requireSession(), diagnostics(runtime));
  return router;
}
