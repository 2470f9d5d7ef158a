import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response, type NextFunction } from 'express';
import type { Passport } from 'passport';
import express from 'express';
import * as client from 'openid-client';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';
import { AppError } from '../lib/errors/app-error';
import { safeReturnTo } from '../core/auth/safe-return-to';
import { BffLoginStrategy, type LoginAuthenticateOptions, type LoginResult } from '../core/auth/create-login-strategy';
import { loginStateCookie, type LoginState } from '../core/auth/login-state-cookie';
import { verifyLogoutToken } from '../core/auth/verify-logout-token';
import { requireSession } from '../core/http/require-session';
import { sessionExpiry } from '../core/session/enforce-session-lifetime';
import type { BffUser } from '../core/session/session-types';

const STRATEGY = 'oidc';
/** The SSO's answers to a silent login (prompt=none) that mean "not silently": the screen decides what next. */
const SILENT_ERRORS = new Set(['login_required', 'interaction_required', 'consent_required', 'account_selection_required']);
/** Parameters that belong to the callback: on /bff/login they are a mistake (or an attack), never a login. */
const CALLBACK_PARAMS = ['code', 'state', 'error', 'iss', 'session_state', 'id_token', 'response'];

/** The callback's failure, as a problem: the SSO or our checks refused; never an HTML error page. */
function loginFailure(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof client.AuthorizationResponseError) return new AppError('LOGIN_FAILED', `The identity provider answered ${err.error}`, { error: err.error });
  if (err instanceof client.ResponseBodyError) return new AppError('LOGIN_FAILED', 'The identity provider refused the authorization code', { error: err.error });
  if (err instanceof client.ClientError) return new AppError('LOGIN_FAILED', 'The identity provider\'s answer did not pass the checks (state, nonce, issuer, signature)');
  return new AppError('SSO_UNAVAILABLE', undefined, {}, { cause: err });
}

/** Adds `login_error=<code>` to a same-origin path, so the screen learns that a silent login did not work. */
function withMarker(path: string, error: string): string {
  const url = new URL(path, 'http://x');
  url.searchParams.set('login_error', error);
  return url.pathname + url.search + url.hash;
}

/** Duende BFF's management endpoints: /bff/login, /bff/callback, /bff/user, /bff/logout, /bff/backchannel-logout. */
export function authRoutes(runtime: BffRuntime, passport: InstanceType<typeof Passport>): Router {
  const { config, oidc, sessionIndex } = runtime;
  const router = Router();
  const attempt = loginStateCookie(config);
  let strategyReady: Promise<void> | undefined;

  // The strategy needs the SSO's endpoints, so it is built after the first successful discovery.
  const ensureStrategy = () => {
    strategyReady ??= oidc.client().then(
      (configuration) => void passport.use(STRATEGY, new BffLoginStrategy(configuration, config)),
      (err) => {
        strategyReady = undefined;
        throw err;
      },
    );
    return strategyReady;
  };

  const save = (req: Request) => new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(new AppError('SESSION_STORE_UNAVAILABLE', undefined, {}, { cause: err })) : resolve())));

  router.get('/login', async (req, res, next) => {
    const misplaced = CALLBACK_PARAMS.filter((p) => p in req.query);
    if (misplaced.length) {
      throw new AppError('VALIDATION_FAILED', `/bff/login does not take ${misplaced.join(', ')}: those belong to the SSO's answer at /bff/callback`, {
        errors: misplaced.map((p) => ({ in: 'query', path: p, message: 'not accepted here' })),
      });
    }
    const prompt = req.query.prompt;
    if (prompt !== undefined && prompt !== 'none' && prompt !== 'login') {
      throw new AppError('VALIDATION_FAILED', 'prompt must be none or login', { errors: [{ in: 'query', path: 'prompt', message: 'must be none or login' }] });
    }
    const returnTo = safeReturnTo(req.query.returnTo, config.publicUrl);
    // Nothing is written to Redis here, but the callback will need it: say so now rather than after the SSO.
    if (runtime.redis && runtime.redis.status !== 'ready') throw new AppError('SESSION_STORE_UNAVAILABLE');
    await ensureStrategy();
    const checks: Record<string, unknown> = {};
    const options: LoginAuthenticateOptions = {
      phase: 'login',
      checks,
      prompt: prompt as string | undefined,
      beforeRedirect: () => attempt.write(res, { checks, returnTo, silent: prompt === 'none' } satisfies LoginState),
    };
    passport.authenticate(STRATEGY, options)(req, res, next);
  });

  router.get('/callback', async (req: Request, res: Response, next: NextFunction) => {
    const state = attempt.take(req, res);
    if (!state) throw new AppError('LOGIN_FAILED', 'No login was started in this browser, or it took too long');
    // Checked again where it is used: the cookie is ours, but the rule may have changed since.
    const returnTo = safeReturnTo(state.returnTo, config.publicUrl);
    await ensureStrategy();
    let result: LoginResult;
    try {
      result = await new Promise<LoginResult>((resolve, reject) => {
        const options: LoginAuthenticateOptions = { phase: 'callback', checks: state.checks };
        passport.authenticate(STRATEGY, options, (err: unknown, found: LoginResult | false, info?: { message?: string; error?: string }) => {
          if (err) reject(err);
          else if (!found) reject(new AppError('LOGIN_FAILED', info?.message, info?.error ? { error: info.error } : {}));
          else resolve(found);
        })(req, res, next);
      });
    } catch (err) {
      const failure = loginFailure(err);
      const ssoError = failure.extra.error;
      if (state.silent && typeof ssoError === 'string' && SILENT_ERRORS.has(ssoError)) {
        res.redirect(302, withMarker(returnTo, ssoError));
        return;
      }
      throw failure;
    }
    const { user, tokens } = result;
    // passport ≥ 0.6 regenerates the session here: the pre-login session id is never reused.
    // (the regeneration deletes the pre-login session id in the store: its failure is the store's)
    await new Promise<void>((resolve, reject) => req.logIn(user, (err) => (err ? reject(new AppError('SESSION_STORE_UNAVAILABLE', undefined, {}, { cause: err })) : resolve())));
    const now = Date.now();
    req.session.createdAt = now;
    req.session.lastSeenAt = now;
    req.session.tokens = tokens;
    req.session.logoutSid = randomBytes(16).toString('base64url');
    req.session.cookie.maxAge = config.sessionIdleSeconds * 1000;
    await save(req);
    try {
      await sessionIndex.add({ sid: user.ssoSid, sub: user.sub, sessionId: req.sessionID, ttlSeconds: config.sessionAbsoluteSeconds });
    } catch (err) {
      // A session a back-channel logout could not find is never handed out.
      await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
      throw err;
    }
    res.redirect(302, returnTo);
  });

  router.get('/user', requireSession(), (req, res) => {
    const user = req.user as BffUser;
    res.set('cache-control', 'no-store').json({
      sub: user.sub,
      name: user.name,
      roles: user.roles,
      claims: user.claims,
      session: sessionExpiry(config, req.session.createdAt ?? Date.now(), req.session.lastSeenAt ?? Date.now()),
      logoutUrl: `/bff/logout?sid=${encodeURIComponent(req.session.logoutSid ?? '')}`,
    });
  });

  // A GET the screen navigates to (no script reads the answer): the anti-forgery value is the `sid`
  // only this session's /bff/user tells. The SSO's end-session URL, with the ID token as hint if
  // configured, exists only in this 302 — never in a body or anything a script can read.
  router.get('/logout', async (req, res) => {
    if (!req.user || !req.session?.tokens) {
      res.set('cache-control', 'no-store').redirect(302, config.ssoPostLogoutRedirectUrl);
      return;
    }
    if (typeof req.query.sid !== 'string' || req.query.sid !== req.session.logoutSid) throw new AppError('LOGOUT_SID_INVALID');
    const { tokens } = req.session;
    const metadata = await oidc.metadata().catch(() => undefined);
    if (metadata?.revocation_endpoint && tokens.refreshToken) {
      const configuration = await oidc.client();
      await client.tokenRevocation(configuration, tokens.refreshToken, { token_type_hint: 'refresh_token' }).catch((err: unknown) => req.log?.warn({ err }, 'refresh token revocation failed'));
    }
    await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(new AppError('SESSION_STORE_UNAVAILABLE', undefined, {}, { cause: err })) : resolve())));
    res.clearCookie(config.sessionCookieName, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.cookieSecure });
    let target = config.ssoPostLogoutRedirectUrl;
    if (metadata?.end_session_endpoint) {
      const url = new URL(metadata.end_session_endpoint);
      if (config.ssoEndSessionHint === 'id_token' && tokens.idToken) url.searchParams.set('id_token_hint', tokens.idToken);
      url.searchParams.set('client_id', config.ssoClientId);
      url.searchParams.set('post_logout_redirect_uri', config.ssoPostLogoutRedirectUrl);
      target = url.toString();
    }
    // No body: Express's redirect() would repeat the URL (and its hint) in a text body.
    res.status(302).set({ location: target, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).end();
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
