import { Strategy as OpenIDConnectStrategy } from 'passport-openidconnect';
import type { BffConfig } from '../../config/bff-config';
import type { BffUser } from '../session/session-types';
import type { OidcMetadata } from './oidc-metadata';

function decodeJwtPayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

/**
 * The authorization-code login as a passport strategy (confidential client, `client_secret_post`,
 * state and nonce in the session). passport-openidconnect picks the verify callback by arity:
 * this nine-argument form receives the userinfo profile, the ID token and the token response.
 */
export function createLoginStrategy(config: BffConfig, metadata: OidcMetadata): OpenIDConnectStrategy {
  const options = {
    issuer: metadata.issuer,
    authorizationURL: metadata.authorization_endpoint,
    tokenURL: metadata.token_endpoint,
    userInfoURL: metadata.userinfo_endpoint,
    clientID: config.ssoClientId,
    clientSecret: config.ssoClientSecret,
    callbackURL: config.ssoRedirectUrl,
    scope: config.ssoScopes.split(' ').filter((s) => s !== 'openid'),
    skipUserProfile: false,
    nonce: true,
    sessionKey: `oidc:${config.app}`,
  };
  const verify = (
    issuer: string,
    uiProfile: { _json?: Record<string, unknown> } | undefined,
    _idProfile: unknown,
    _context: unknown,
    idToken: string,
    _accessToken: string,
    _refreshToken: string,
    _params: unknown,
    done: (err: unknown, user?: BffUser) => void,
  ) => {
    const idClaims = decodeJwtPayload(idToken);
    const { _raw, ...claims } = { ...idClaims, ...(uiProfile?._json ?? {}) } as Record<string, unknown>;
    for (const k of ['nonce', 'at_hash', 'aud', 'azp', 'exp', 'iat', 'iss']) delete claims[k];
    done(null, {
      sub: String(idClaims.sub),
      issuer,
      claims,
      idToken,
      ssoSid: typeof idClaims.sid === 'string' ? idClaims.sid : undefined,
    });
  };
  return new OpenIDConnectStrategy(
    options as unknown as ConstructorParameters<typeof OpenIDConnectStrategy>[0],
    verify as unknown as ConstructorParameters<typeof OpenIDConnectStrategy>[1],
  );
}
