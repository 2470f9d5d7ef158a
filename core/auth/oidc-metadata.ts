import { createRemoteJWKSet } from 'jose';
import * as client from 'openid-client';
import type { BffConfig } from '../../config/bff-config';
import { AppError } from '../../lib/errors/app-error';

export interface OidcMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  jwks_uri: string;
  end_session_endpoint?: string;
  revocation_endpoint?: string;
  id_token_signing_alg_values_supported?: string[];
}

export interface OidcProvider {
  /** The discovery document; fetched on first use and cached, retried while it fails. */
  metadata(): Promise<OidcMetadata>;
  jwks(): Promise<ReturnType<typeof createRemoteJWKSet>>;
  /** openid-client's configuration of this app as a client of the SSO (same discovery, cached). */
  client(): Promise<client.Configuration>;
}

/**
 * Any OIDC provider by configuration: endpoints come from `<issuer>/.well-known/openid-configuration`.
 * Discovery happens lazily so that the BFF starts (and serves what needs no login) while the SSO
 * is still coming up; until it answers, logins get a 503.
 */
export function createOidcProvider(config: BffConfig): OidcProvider {
  let pending: Promise<OidcMetadata> | undefined;
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  let configuration: client.Configuration | undefined;

  async function discover(): Promise<OidcMetadata> {
    const url = `${config.ssoIssuer}/.well-known/openid-configuration`;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(config.ssoTimeoutMs) });
    } catch (cause) {
      throw new AppError('SSO_UNAVAILABLE', undefined, {}, { cause });
    }
    if (!response.ok) throw new AppError('SSO_UNAVAILABLE', `The identity provider's discovery answered ${response.status}`);
    const metadata = (await response.json()) as OidcMetadata;
    if (metadata.issuer !== config.ssoIssuer) {
      throw new AppError('SSO_UNAVAILABLE', 'The identity provider reports a different issuer than configured');
    }
    return metadata;
  }

  const metadata = () => {
    pending ??= discover().catch((err) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };

  return {
    metadata,
    async jwks() {
      const { jwks_uri } = await metadata();
      jwks ??= createRemoteJWKSet(new URL(jwks_uri), { timeoutDuration: config.ssoTimeoutMs, cooldownDuration: 30_000 });
      return jwks;
    },
    async client() {
      if (configuration) return configuration;
      const found = await metadata();
      const made = new client.Configuration(found as client.ServerMetadata, config.ssoClientId, config.ssoClientSecret, client.ClientSecretPost(config.ssoClientSecret));
      made.timeout = Math.ceil(config.ssoTimeoutMs / 1000);
      // openid-client refuses plain HTTP; the dev SSO on localhost is the one place it is allowed.
      if (!config.production && new URL(found.issuer).protocol === 'http:') client.allowInsecureRequests(made);
      configuration = made;
      return made;
    },
  };
}
