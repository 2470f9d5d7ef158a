import type { RequestHandler } from 'express';

/**
 * `req.user` from the session, as `passport.session()` set it with our identity
 * `deserializeUser` (the user is stored whole in the session). passport's version also installs
 * req.login/logout/isAuthenticated and a compat object on every request — about 4% of a proxied
 * request's CPU in the profile (bench/README.md) — which only the /bff login routes need; they run
 * passport.initialize() themselves. The session's lifetime is checked next, by enforceSessionLifetime.
 */
export function restoreSessionUser(): RequestHandler {
  return (req, _res, next) => {
    const user = req.session?.passport?.user;
    if (user) req.user = user;
    next();
  };
}
