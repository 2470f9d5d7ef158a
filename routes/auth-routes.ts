import { Router, type Request } from 'express';
import type { Passport } from 'passport';
import express from 'express';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';
import { AppError } from '../lib/errors/app-error';
import { safeReturnTo } from '../core/auth/safe-return-to';
import { createLoginStrategy } from '../core/auth/create-login-strategy';
import { verifyLogoutToken } from '../core/auth/verify-logout-token';
import { requireCsrf } from '../core/http/require-csrf';
import { requireSession } from '../core/http/require-session';
import { sessionExpiry } from '../core/session/enforce-session-lifetime';
import type { BffUser } from '../core/session/session-types';

const STRATEGY = 'oidc';

/** Duende BFF's management endpoints: /bff/login, /bff/callback, /bff/user, /bff/logout, /bff/backchannel-logout. */
export function authRoutes(runtime: BffRuntime, passport: InstanceType<typeof Passport>): Router {
  const { config, oidc, sessionIndex } = runtime;
  const router = Router();
  let strategyReady: Promise<void> | undefined;

  // The strategy needs the SSO's endpoints, so it is built after the first successful discovery.
  const ensureStrategy = () => {
    strategyReady ??= oidc.metadata().then(
      (metadata) => void passport.use(STRATEGY, createLoginStrategy(config, metadata)),
      (err) => {
        strategyReady = undefined;
        throw err;
      },
    );
    return strategyReady;
  };

  const save = (req: Request) => new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));

  router.get('/login', async (req, res, next) => {
    const returnTo = safeReturnTo(req.query.returnTo);
    await ensureStrategy();
    req.session.returnTo = returnTo;
    // Write once before the browser leaves for the SSO: a store outage must be a 503 here, not a
    // failed callback later (passport ends the redirect response itself, past any save error).
    await save(req).catch((cause) => {
      throw new AppError('SESSION_STORE_UNAVAILABLE', undefined, {}, { cause });
    });
    passport.authenticate(STRATEGY)(req, res, next);
  });

  router.get('/callback', async (req, res, next) => {
    await ensureStrategy();
    const returnTo = req.session.returnTo ?? '/';
    const user = await new Promise<BffUser>((resolve, reject) => {
      passport.authenticate(STRATEGY, (err: unknown, found: BffUser | false, info?: { message?: string }) => {
        if (err) {
          const name = (err as { name?: string }).name;
          reject(name === 'TokenError' ? new AppError('LOGIN_FAILED', 'The identity provider refused the authorization code') : new AppError('SSO_UNAVAILABLE', undefined, {}, { cause: err }));
        } else if (!found) {
          reject(new AppError('LOGIN_FAILED', info?.message ?? undefined));
        } else resolve(found);
      })(req, res, next);
    });
    // passport ≥ 0.6 regenerates the session here: the pre-login session id is never reused.
    await new Promise<void>((resolve, reject) => req.logIn(user, (err) => (err ? reject(err) : resolve())));
    const now = Date.now();
    req.session.createdAt = now;
    req.session.lastSeenAt = now;
    req.session.cookie.maxAge = config.sessionIdleSeconds * 1000;
    await save(req);
    await sessionIndex.add({ sid: user.ssoSid, sub: user.sub, sessionId: req.sessionID, ttlSeconds: config.sessionAbsoluteSeconds });
    res.redirect(302, returnTo);
  });

  router.get('/user', requireSession(), (req, res) => {
    const user = req.user as BffUser;
    res.set('cache-control', 'no-store').json({
      sub: user.sub,
      claims: user.claims,
      session: sessionExpiry(config, req.session.createdAt ?? Date.now(), req.session.lastSeenAt ?? Date.now()),
      logoutUrl: '/bff/logout',
    });
  });

  router.post('/logout', requireCsrf(), async (req, res) => {
    const user = req.user as BffUser | undefined;
    let endSessionUrl: string | null = null;
    if (user) {
      const { end_session_endpoint } = await oidc.metadata().catch(() => ({ end_session_endpoint: undefined }));
      if (end_session_endpoint) {
        const url = new URL(end_session_endpoint);
        url.searchParams.set('id_token_hint', user.idToken);
        url.searchParams.set('post_logout_redirect_uri', config.ssoPostLogoutRedirectUrl);
        url.searchParams.set('client_id', config.ssoClientId);
        endSessionUrl = url.toString();
      }
    }
    if (req.session) {
      await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
    }
    res.clearCookie(config.sessionCookieName, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.cookieSecure });
    res.set('cache-control', 'no-store').json({ loggedOut: true, endSessionUrl });
  });

  router.post('/backchannel-logout', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const claims = await verifyLogoutToken(req.body?.logout_token, config, oidc);
    if (!(await sessionIndex.firstUse(`${claims.jti}`, 600))) {
      throw new AppError('LOGOUT_TOKEN_INVALID', 'The logout token was already used', { error: 'invalid_request' });
    }
    const ended = await sessionIndex.revoke(claims);
    req.log?.info({ ended, by: claims.sid ? 'sid' : 'sub' }, 'back-channel logout');
    res.set('cache-control', 'no-store').status(200).end();
  });

  return router;
}
