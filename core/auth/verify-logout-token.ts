import { jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import type { BffConfig } from '../../config/bff-config';
import { AppError } from '../../lib/errors/app-error';
import type { OidcProvider } from './oidc-metadata';

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

export interface LogoutClaims {
  sid?: string;
  sub?: string;
  jti: string;
}

/** Validates an OIDC Back-Channel Logout token (spec §2.6): signature, iss, aud, iat, events, sid/sub, no nonce. */
export async function verifyLogoutToken(token: unknown, config: BffConfig, provider: OidcProvider): Promise<LogoutClaims> {
  if (typeof token !== 'string' || token.length > 8192) throw new AppError('LOGOUT_TOKEN_INVALID', 'logout_token is missing', { error: 'invalid_request' });
  const jwks = await provider.jwks();
  const { id_token_signing_alg_values_supported: algs } = await provider.metadata();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, jwks, {
      issuer: config.ssoIssuer,
      audience: config.ssoClientId,
      algorithms: (algs ?? ['RS256']).filter((a) => a !== 'none'),
      maxTokenAge: '5m',
      clockTolerance: 30,
      requiredClaims: ['iat', 'jti'],
    }));
  } catch (cause) {
    if (cause instanceof joseErrors.JOSEError) throw new AppError('LOGOUT_TOKEN_INVALID', 'The logout token could not be verified', { error: 'invalid_request' });
    throw new AppError('SSO_UNAVAILABLE', undefined, {}, { cause });
  }
  const events = payload.events as Record<string, unknown> | undefined;
  const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
  const sub = typeof payload.sub === 'string' ? payload.sub : undefined;
  if (!events || typeof events[BACKCHANNEL_EVENT] !== 'object' || 'nonce' in payload || (!sid && !sub)) {
    throw new AppError('LOGOUT_TOKEN_INVALID', 'The logout token lacks the back-channel logout event, sid or sub', { error: 'invalid_request' });
  }
  return { sid, sub, jti: String(payload.jti) };
}
