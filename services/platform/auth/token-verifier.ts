import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { AppError } from '../../../lib/errors/app-error';
import type { Identity } from './identity';

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Accepted signature algorithms; anything else (`none`, HS*) is refused before any key is tried. */
  algorithms: string[];
  timeoutMs: number;
}

export interface TokenVerifier {
  /** The identity a bearer token proves, or AppError TOKEN_INVALID (401) / SSO_UNAVAILABLE (503). */
  verify(token: string): Promise<Identity>;
  /** The SSO's discovery document (cached), for the token endpoint of client credentials. */
  metadata(): Promise<{ issuer: string; jwks_uri: string; token_endpoint: string }>;
}

/**
 * Access tokens (JWT) checked against the SSO's published keys: signature by a key of its JWKS
 * (fetched once, cached, re-fetched on an unknown `kid` at most every 30 s), `iss`, `aud`, `exp`
 * (with 5 s of clock tolerance) and an algorithm allow-list. The JWKS address comes from discovery.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  let discovery: Promise<{ issuer: string; jwks_uri: string; token_endpoint: string }> | undefined;
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  const metadata = () => {
    discovery ??= (async () => {
      const response = await fetch(`${options.issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(options.timeoutMs) });
      if (!response.ok) throw new Error(`discovery answered ${response.status}`);
      const found = (await response.json()) as { issuer: string; jwks_uri: string; token_endpoint: string };
      if (found.issuer !== options.issuer) throw new Error('the SSO reports another issuer than configured');
      return found;
    })().catch((cause: unknown) => {
      discovery = undefined;
      throw new AppError('SSO_UNAVAILABLE', undefined, {}, { cause });
    });
    return discovery;
  };

  const claimString = (payload: JWTPayload, key: string) => (typeof payload[key] === 'string' ? (payload[key]) : undefined);

  return {
    metadata,
    async verify(token) {
      const { jwks_uri } = await metadata();
      jwks ??= createRemoteJWKSet(new URL(jwks_uri), { timeoutDuration: options.timeoutMs, cooldownDuration: 30_000 });
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: options.algorithms,
          clockTolerance: 5,
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (cause) {
        const unreachable = cause instanceof joseErrors.JWKSTimeout || (cause instanceof Error && !(cause instanceof joseErrors.JOSEError));
        if (unreachable) throw new AppError('SSO_UNAVAILABLE', undefined, {}, { cause });
        const expired = cause instanceof joseErrors.JWTExpired;
        throw new AppError('TOKEN_INVALID', expired ? 'The bearer token has expired' : undefined, {}, { cause });
      }
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
      const sub = payload.sub as string;
      return {
        sub,
        name: claimString(payload, 'name') ?? claimString(payload, 'preferred_username') ?? sub,
        roles,
        clientId: claimString(payload, 'client_id') ?? claimString(payload, 'azp'),
      };
    },
  };
}
