import request from 'supertest';
import { startBff, type RunningBff } from '../support/bff';
import { KEYCLOAK_ISSUER, keycloakAuthorize, loginViaKeycloak } from '../support/keycloak';

// A BFF app pointed at Keycloak by configuration alone (SSO_ISSUER): the whole browser login,
// BFF → Keycloak's form → BFF callback, on the real Keycloak the jest global setup starts.
//
// ON THIS BRANCH the BFF's login (passport-openidconnect 0.1.2) sends no PKCE challenge, and the
// realm requires S256 (the identity contract), so Keycloak refuses the request: the first test
// pins that exact refusal, and the login test is marked `.failing`. When issue 10's PKCE login
// (openid-client) is merged, both flip: delete the first test and remove `.failing`.
describe('BFF login against Keycloak (realm contract-bff)', () => {
  let pc: RunningBff;
  beforeAll(async () => {
    pc = await startBff('pc', { SSO_ISSUER: KEYCLOAK_ISSUER });
  });
  afterAll(() => pc?.close());

  test('today: Keycloak sends the BFF\'s authorization request back for lack of a PKCE challenge (and only for that)', async () => {
    const start = await request(pc.url).get('/bff/login').expect(302);
    expect(start.headers.location.startsWith(`${KEYCLOAK_ISSUER}/protocol/openid-connect/auth?`)).toBe(true);
    const back = await keycloakAuthorize(start.headers.location, { username: 'demo', password: 'demo1234' });
    expect(`${back.origin}${back.pathname}`).toBe(`${pc.url}/bff/callback`);
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ error: 'invalid_request', error_description: 'Missing parameter: code_challenge_method' });
  });

  test.failing('demo logs in on the PC app, returns to the asked path, and /bff/user shows Keycloak\'s user with role agent', async () => {
    const { bff, callback } = await loginViaKeycloak(pc.url, { username: 'demo', password: 'demo1234' }, { returnTo: '/contracts?tab=1' });
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe('/contracts?tab=1');
    const user = await bff.get('/bff/user').expect(200);
    expect(user.body.claims).toMatchObject({ preferred_username: 'demo', name: 'Demo User', email: 'demo@example.com' });
    expect(user.body.sub).toEqual(expect.any(String));
    expect(user.body.roles).toEqual(['agent']);
  });
});
