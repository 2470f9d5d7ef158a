import { AppError } from '../../../lib/errors/app-error';
import type { TokenVerifier } from './token-verifier';

export interface ServiceTokenSource {
  /** A client-credentials access token of this service, reused until shortly before it expires. */
  token(): Promise<string>;
}

/** MS1's own token for its calls to MS2/MS3 (client `contract-ppon`, role saga): one request in flight at a time. */
export function createServiceTokenSource(options: { clientId: string; clientSecret: string; timeoutMs: number; verifier: TokenVerifier }): ServiceTokenSource {
  let current: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const fetchToken = async () => {
    const { token_endpoint } = await options.verifier.metadata();
    let response: Response;
    try {
      response = await fetch(token_endpoint, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: options.clientId, client_secret: options.clientSecret }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (cause) {
      throw new AppError('SSO_UNAVAILABLE', undefined, {}, { cause });
    }
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number };
    if (!response.ok || !body.access_token) throw new AppError('SSO_UNAVAILABLE', `The SSO refused this service's client credentials (${response.status})`);
    const lifetimeMs = (body.expires_in ?? 60) * 1000;
    current = { token: body.access_token, renewAt: Date.now() + lifetimeMs - Math.min(30_000, lifetimeMs / 3) };
    return body.access_token;
  };

  return {
    token() {
      if (current && current.renewAt > Date.now()) return Promise.resolve(current.token);
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
  };
}
