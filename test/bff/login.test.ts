import request from 'supertest';
import { reserveServer, startBff, type RunningBff } from '../support/bff';
import { startDevSso, type DevSso } from '../support/dev-sso';
import { DEMO, loginVia } from '../support/login';

describe('SSO login through the BFF (real dev SSO, real Redis)', () => {
  let sso: DevSso;
  let pc: RunningBff;
  let mobile: RunningBff;

  beforeAll(async () => {
    const [pcServer, mobileServer] = await Promise.all([reserveServer(), reserveServer()]);
    sso = await startDevSso([{ app: 'pc', url: pcServer.url }, { app: 'mobile', url: mobileServer.url }]);
    pc = await startBff('pc', { SSO_ISSUER: sso.issuer }, pcServer);
    mobile = await startBff('mobile', { SSO_ISSUER: sso.issuer }, mobileServer);
  });
  afterAll(async () => {
    await pc?.close();
    await mobile?.close();
    await sso?.stop();
  });

  it.each(['pc', 'mobile'] as const)('logs in on %s and shows the user', async (which) => {
    const bff = which === 'pc' ? pc : mobile;
    const { bff: agent, callback } = await loginVia(bff.url, request.agent(sso.issuer), sso.issuer, DEMO, { returnTo: '/contracts?tab=1' });
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe('/contracts?tab=1');
    const user = await agent.get('/bff/user').expect(200);
    expect(user.body.sub).toBe('demo');
    expect(user.body.claims).toMatchObject({ name: 'Demo User', email: 'demo@example.com' });
    expect(user.body.logoutUrl).toBe('/bff/logout');
    expect(Date.parse(user.body.session.expiresAt)).toBeGreaterThan(Date.now());
  });
});
