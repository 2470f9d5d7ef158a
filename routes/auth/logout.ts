import type { RequestHandler } from 'express';
import type { BffRuntime } from '../../core/runtime/build-bff-runtime';
import { AppError } from '../../lib/errors/app-error';
import { revokeRefreshToken } from '../../core/auth/revoke-refresh-token';

/**
 * `GET /bff/logout`: a navigation the screen makes (no script reads the answer); the anti-forgery
 * value is the `sid` only this session's /bff/user tells. The SSO's end-session URL, with the ID
 * token as hint if configured, exists only in this 302 — never in a body a script can read.
 */
export function logout(runtime: BffRuntime): RequestHandler {
  const { config, oidc } = runtime;
  return async (req, res) => {
    if (!req.user || !req.session?.tokens) {
      res.set('cache-control', 'no-store').redirect(302, config.ssoPostLogoutRedirectUrl);
      return;
    }
    if (typeof req.query.sid !== 'string' || req.query.sid !== req.session.logoutSid) throw new AppError('LOGOUT_SID_INVALID');
    const { tokens } = req.session;
    await revokeRefreshToken(oidc, tokens.refreshToken, req.log);
    const metadata = await oidc.metadata().catch(() => undefined);
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
  };
}
