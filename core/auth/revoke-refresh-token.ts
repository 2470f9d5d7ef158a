import * as client from 'openid-client';
import type { OidcProvider } from './oidc-metadata';

/**
 * Revokes a refresh token at the SSO, when it offers a revocation endpoint. Best effort: the
 * session ends either way, and a failure is logged (the token then dies with its SSO session or
 * its own lifetime). Returns whether the SSO accepted the revocation.
 */
export async function revokeRefreshToken(oidc: OidcProvider, refreshToken: string | undefined, log?: { warn(obj: object, msg: string): void }): Promise<boolean> {
  if (!refreshToken) return false;
  const metadata = await oidc.metadata().catch(() => undefined);
  if (!metadata?.revocation_endpoint) return false;
  try {
    await client.tokenRevocation(await oidc.client(), refreshToken, { token_type_hint: 'refresh_token' });
    return true;
  } catch (err) {
    log?.warn({ err }, 'refresh token revocation failed');
    return false;
  }
}
