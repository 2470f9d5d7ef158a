import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Passport } from 'passport';
import * as client from 'openid-client';
import type { BffRuntime } from '../../core/runtime/build-bff-runtime';
import { AppError } from '../../lib/errors/app-error';
import { safeReturnTo } from '../../core/auth/safe-return-to';
import type { LoginAuthenticateOptions, LoginResult } from '../../core/auth/create-login-strategy';
import type { loginStateCookie } from '../../core/auth/login-state-cookie';
import { describeClient } from '../../core/session/describe-client';
import { STRATEGY } from './login-strategy';

/** The SSO's answers to a silent login (prompt=none) that mean "not silently": the screen decides what next. */
const SILENT_ERRORS = new Set(['login_required', 'interaction_required', 'consent_required', 'account_selection_required']);

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

const save = (req: Request) => new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(new AppError('SESSION_STORE_UNAVAILABLE', undefined, {}, { cause: err })) : resolve())));

/** `GET /bff/callback`: finishes the login, regenerates the session, keeps the tokens, indexes the session. */
export function callback(runtime: BffRuntime, passport: InstanceType<typeof Passport>, ready: () => Promise<void>, attempt: ReturnType<typeof loginStateCookie>): RequestHandler {
  const { config, sessionIndex } = runtime;
  return async (req, res, next) => {
    const state = attempt.take(req, res);
    if (!state) throw new AppError('LOGIN_FAILED', 'No login was started in this browser, or it took too long');
    // Checked again where it is used: the cookie is ours, but the rule may have changed since.
    const returnTo = safeReturnTo(state.returnTo, config.publicUrl);
    await ready();
    let result: LoginResult;
    try {
      result = await new Promise<LoginResult>((resolve, reject) => {
        const options: LoginAuthenticateOptions = { phase: 'callback', checks: state.checks };
        const authenticate = passport.authenticate(STRATEGY, options, (err: unknown, found: LoginResult | false, info?: { message?: string; error?: string }) => {
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what the strategy failed with, as it is: loginFailure (below) reads its shape
          if (err) reject(err);
          else if (!found) reject(new AppError('LOGIN_FAILED', info?.message, info?.error ? { error: info.error } : {}));
          else resolve(found);
        }) as RequestHandler;
        authenticate(req, res, next);
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
    req.session.handle = randomBytes(16).toString('base64url');
    req.session.client = describeClient(req.headers['user-agent']);
    req.session.app = config.app;
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
  };
}
