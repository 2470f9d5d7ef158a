import type { RequestHandler } from 'express';

/**
 * A browser navigating to a legacy page without a session is sent to the login and back, as a
 * user clicking a menu link expects. Everything else (fetches, APIs) keeps the 401 problem.
 */
export function redirectNavigationToLogin(): RequestHandler {
  return (req, res, next) => {
    if (req.user) return next();
    const navigating = req.method === 'GET' && (req.get('sec-fetch-mode') === 'navigate' || (req.get('sec-fetch-mode') === undefined && req.accepts(['json', 'html']) === 'html'));
    if (!navigating) return next();
    res.redirect(302, `/bff/login?returnTo=${encodeURIComponent(req.originalUrl)}`);
  };
}
