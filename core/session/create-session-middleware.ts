import session, { type Store } from 'express-session';
import type { RequestHandler } from 'express';
import type { BffConfig } from '../../config/bff-config';
import { AppError } from '../../lib/errors/app-error';
import { keepNewestTokens } from './keep-newest-tokens';

/**
 * express-session with this app's cookie, in the given store. A store that cannot be reached
 * turns into a 503 problem for the routes that need a session — never a hang, never a crash.
 */
export function createSessionMiddleware(config: BffConfig, store: Store): RequestHandler {
  const middleware = session({
    store: keepNewestTokens(store),
    name: config.sessionCookieName,
    secret: config.sessionSecret,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    proxy: undefined, // follows Express's `trust proxy`
    cookie: {
      httpOnly: true,
      // Lax, not Strict: the SSO's redirect back to /bff/callback is a cross-site navigation
      // and must carry the cookie that holds the login state.
      sameSite: 'lax',
      secure: config.cookieSecure,
      path: '/',
      maxAge: config.sessionIdleSeconds * 1000,
    },
  });
  return (req, res, next) => {
    middleware(req, res, (err?: unknown) => {
      if (err) next(new AppError('SESSION_STORE_UNAVAILABLE', undefined, {}, { cause: err }));
      else next();
    });
  };
}
