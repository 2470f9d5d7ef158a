import type * as client from 'openid-client';
import type { BffConfig } from '../../config/bff-config';
import type { SessionTokens } from './session-types';

/**
 * Tokens as the session keeps them, from a token endpoint answer (login or refresh); refreshed a
 * little before expiry (at most a third of the lifetime). Here, not in core/auth: the session owns
 * its tokens, and auth depends on session, never the other way.
 */
export function sessionTokens(response: client.TokenEndpointResponse, config: BffConfig, previous?: SessionTokens): SessionTokens {
  const now = Date.now();
  const lifetimeMs = (response.expires_in ?? 300) * 1000;
  const skewMs = Math.min(config.tokenRefreshSkewSeconds * 1000, lifetimeMs / 3);
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token ?? previous?.refreshToken,
    idToken: response.id_token ?? previous?.idToken ?? '',
    expiresAt: now + lifetimeMs,
    refreshAt: now + lifetimeMs - skewMs,
    version: now,
  };
}
