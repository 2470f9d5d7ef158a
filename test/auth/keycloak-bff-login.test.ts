import { startBff, type RunningBff } from '../support/bff';
import { KEYCLOAK_ISSUER, loginViaKeycloak } from '../support/keycloak';

// A BFF app pointed at Keycloak by configuration alone (SSO_ISSUER): the whole browser login,
// BFF → Keycloak's form → BFF callback, on the real Keycloak the jest global setup starts.
describe('BFF login against Keycloak (realm contract-bff)', () => {
  let pc: RunningBff;
  beforeAll(async () => {
    pc = await startBff('pc', { SSO_ISSUER: KEYCLOAK_ISSUER });
  });
  afterAll(() => pc?.close());

  test('demo logs in on the PC app, returns to the asked path, and /bff/user shows Keycloak\'s user with role agent', async () => {
    const { bff, callback } = await loginViaKeycloak(pc.url, { username: 'demo', password: 'demo1234' }, { returnTo: '/contracts?tab=1' });
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe('/contracts?tab=1');
    const user = await bff.get('/bff/user').expect(200);
    expect(user.body.claims).toMatchObject({ preferred_username: 'demo', name: 'Demo User', email: 'demo@example.com' });
    expect(user.body.sub).toEqual(expect.any(String));
    expect(user.body.roles).toEqual(['agent']);
  });
});
