import type { RequestHandler } from 'express';
import type { Passport } from 'passport';
import type { BffRuntime } from '../../core/runtime/build-bff-runtime';
import { AppError } from '../../lib/errors/app-error';
import { safeReturnTo } from '../../core/auth/safe-return-to';
import type { LoginAuthenticateOptions } from '../../core/auth/create-login-strategy';
import type { LoginState, loginStateCookie } from '../../core/auth/login-state-cookie';
import { STRATEGY } from './login-strategy';

/** Parameters that belong to the callback: on /bff/login they are a mistake (or an attack), never a login. */
const CALLBACK_PARAMS = ['code', 'state', 'error', 'iss', 'session_state', 'id_token', 'response'];

/** `GET /bff/login`: starts an authorization request; the attempt goes into an encrypted cookie, nothing into Redis. */
export function login(runtime: BffRuntime, passport: InstanceType<typeof Passport>, ready: () => Promise<void>, attempt: ReturnType<typeof loginStateCookie>): RequestHandler {
  const { config } = runtime;
  return async (req, res, next) => {
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
    await ready();
    const checks: Record<string, unknown> = {};
    const options: LoginAuthenticateOptions = {
      phase: 'login',
      checks,
      prompt: prompt,
      beforeRedirect: () => attempt.write(res, { checks, returnTo, silent: prompt === 'none' } satisfies LoginState),
    };
    (passport.authenticate(STRATEGY, options) as RequestHandler)(req, res, next);
  };
}
