import { loadBffConfig } from '../../config/bff-config';
import { ConfigError } from '../../config/define-settings';
import { loadServiceConfig } from '../../config/service-config';

describe('identity settings (docs/identity.md#who-may-call-the-contract-services)', () => {
  it('gives the services the identity contract by default: issuer, audience, asymmetric algorithms, the saga client', () => {
    const c = loadServiceConfig('ppon', {});
    expect(c).toMatchObject({ ssoIssuer: 'http://localhost:9000', ssoAudience: 'contract-services', ssoAlgorithms: ['RS256', 'PS256', 'ES256'], ssoClientId: 'contract-ppon' });
  });

  it.each(['none', 'HS256', 'RS256,none', 'RS256,HS512', 'rs256'])('refuses %j as the algorithm allow-list of a service', (algs) => {
    expect(() => loadServiceConfig('intelnet', { INTELNET_SSO_ALGORITHMS: algs })).toThrow(/INTELNET_SSO_ALGORITHMS/);
  });

  it("refuses MS1's dev client secret in production, and accepts a real one", () => {
    expect(() => loadServiceConfig('ppon', { NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadServiceConfig('ppon', { NODE_ENV: 'production' })).toThrow(/PPON_SSO_CLIENT_SECRET/);
    expect(loadServiceConfig('ppon', { NODE_ENV: 'production', PPON_SSO_CLIENT_SECRET: 'a-real-secret-from-the-vault' }).ssoClientSecret).toBe('a-real-secret-from-the-vault');
  });

  it('gives the BFF its login and token settings', () => {
    const c = loadBffConfig('mobile', { PORT: '3001' });
    expect(c).toMatchObject({ loginStateSeconds: 600, tokenRefreshSkewSeconds: 30, ssoEndSessionHint: 'id_token', ssoPostLogoutRedirectUrl: 'http://localhost:3001/signed-out' });
    expect(() => loadBffConfig('pc', { SSO_END_SESSION_HINT: 'token' })).toThrow(/SSO_END_SESSION_HINT/);
  });
});
