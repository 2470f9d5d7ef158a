import type { RequestHandler } from 'express';
import type { BffRuntime } from '../../core/runtime/build-bff-runtime';
import { AppError } from '../../lib/errors/app-error';
import { verifyLogoutToken } from '../../core/auth/verify-logout-token';

/** `POST /bff/backchannel-logout` (a form from the SSO): a verified, unused logout token ends the sessions it names. */
export function backchannelLogout(runtime: BffRuntime): RequestHandler {
  const { config, oidc, sessionIndex } = runtime;
  return async (req, res) => {
    const claims = await verifyLogoutToken((req.body as { logout_token?: unknown } | undefined)?.logout_token, config, oidc);
    if (!(await sessionIndex.firstUse(`${claims.jti}`, 600))) {
      throw new AppError('LOGOUT_TOKEN_INVALID', 'The logout token was already used', { error: 'invalid_request' });
    }
    const ended = await sessionIndex.revoke(claims);
    req.log?.info({ ended, by: claims.sid ? 'sid' : 'sub' }, 'back-channel logout');
    res.set('cache-control', 'no-store').status(200).end();
  };
}
