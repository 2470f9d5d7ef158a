import type { Request } from 'express';
import * as client from 'openid-client';
import { OpenIdClientStrategy, type AuthenticateOptions, type VerifyFunction } from './openid-client-passport';
import type { BffConfig } from '../../config/bff-config';
import type { BffUser, SessionTokens } from '../session/session-types';
import { sessionTokens } from '../session/session-tokens';

/** Options our routes pass through `passport.authenticate` to the strategy. */
export interface LoginAuthenticateOptions extends AuthenticateOptions {
  /** 'login' always starts an authorization request; 'callback' always finishes one. */
  phase: 'login' | 'callback';
  /** Where the strategy keeps (login) or finds (callback) its checks instead of the session. */
  checks: Record<string, unknown>;
  /** Called just before the strategy's redirect to the SSO, to persist `checks` (login). */
  beforeRedirect?: () => void;
}

export interface LoginResult {
  user: BffUser;
  tokens: SessionTokens;
}

const CHECKS = 'oidc';
const DROPPED_CLAIMS = ['nonce', 'at_hash', 'c_hash', 's_hash', 'aud', 'azp', 'exp', 'iat', 'iss', 'auth_time', 'sid', 'jti'];

/** The payload of a JWT the BFF received straight from the SSO's token endpoint (over TLS, so not re-verified). */
const payloadOf = (jwt: string | undefined): Record<string, unknown> => {
  try {
    return jwt ? (JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/** The roles of the identity contract: the access token's top-level `roles`, else the ID token's. */
export function rolesOf(accessToken: string | undefined, idClaims: Record<string, unknown>): string[] {
  const fromAccess = payloadOf(accessToken).roles;
  const roles = Array.isArray(fromAccess) ? fromAccess : idClaims.roles;
  return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
}

/**
 * openid-client's certified passport strategy (authorization code + PKCE S256), with `state` and
 * `nonce` always sent, and its per-attempt checks kept where our routes say (an encrypted cookie,
 * never the server-side session: an anonymous login must not write to Redis).
 */
export class BffLoginStrategy extends OpenIdClientStrategy {
  constructor(configuration: client.Configuration, private readonly bff: BffConfig) {
    const verify: VerifyFunction = (tokens, done) => {
      const idClaims: Record<string, unknown> = tokens.claims() ?? {};
      const claims = Object.fromEntries(Object.entries(idClaims).filter(([k]) => !DROPPED_CLAIMS.includes(k)));
      const user: BffUser = {
        sub: String(idClaims.sub),
        issuer: String(idClaims.iss),
        name: String(idClaims.name ?? idClaims.preferred_username ?? idClaims.sub),
        roles: rolesOf(tokens.access_token, idClaims),
        claims,
        ssoSid: typeof idClaims.sid === 'string' ? idClaims.sid : undefined,
      };
      done(null, { user, tokens: sessionTokens(tokens, bff) } satisfies LoginResult as unknown as Express.User);
    };
    super({ config: configuration, scope: bff.ssoScopes, callbackURL: bff.ssoRedirectUrl, sessionKey: CHECKS }, verify);
  }

  override authorizationRequestParams(req: Request, options: AuthenticateOptions): URLSearchParams {
    const params = new URLSearchParams(super.authorizationRequestParams<AuthenticateOptions>(req, options));
    // The strategy sends state only when the SSO lacks PKCE, and a nonce only for implicit flows: we want both.
    params.set('state', client.randomState());
    params.set('nonce', client.randomNonce());
    return params;
  }

  override shouldInitiateAuthRequest(_req: Request, _url: URL, options: AuthenticateOptions): boolean {
    return (options as LoginAuthenticateOptions).phase === 'login';
  }

  override currentUrl(req: Request): URL {
    // The callback's query on our configured redirect URI: never the Host header a client sent.
    const url = new URL(this.bff.ssoRedirectUrl);
    url.search = new URL(req.originalUrl ?? req.url, 'http://x').search;
    return url;
  }

  override authenticate(req: Request, options: AuthenticateOptions): void {
    const opts = options as LoginAuthenticateOptions;
    // The strategy reads and writes `req.session[sessionKey]`: give it a holder of our own instead.
    const holder: Record<string, unknown> = opts.phase === 'callback' ? { [CHECKS]: opts.checks } : {};
    const shadow = Object.create(req, { session: { value: holder } }) as Request;
    if (opts.phase === 'login') {
      const self = this as unknown as { redirect(url: string, status?: number): void };
      const redirect = self.redirect.bind(self);
      self.redirect = (url, status) => {
        Object.assign(opts.checks, holder[CHECKS] as Record<string, unknown>);
        opts.beforeRedirect?.();
        redirect(url, status);
      };
    }
    super.authenticate(shadow, options);
  }
}
