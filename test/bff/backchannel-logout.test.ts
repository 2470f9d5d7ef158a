import request from 'supertest';
import { SignJWT, generateKeyPair } from 'jose';
import { Redis } from 'ioredis';
import { useBffSystem } from '../support/system';
import { DEMO, KIM } from '../support/login';
import { SSO_PROVIDERS } from '../support/sso-provider';

const redis = new Redis('redis://127.0.0.1:6379');
afterAll(() => redis.disconnect());

describe.each(SSO_PROVIDERS)('back-channel logout from the SSO (%s)', (_name, provider) => {
  const sys = useBffSystem({ provider });

  it('ends the PC and the mobile session of one SSO session when the user logs out on PC', async () => {
    const ssoBrowser = sys.idp.browser();
    const pc = (await sys.loginAt(sys.pc, KIM, { browser: ssoBrowser })).bff;
    const mobile = (await sys.loginAt(sys.mobile, KIM, { browser: ssoBrowser })).bff; // single sign-on: no second password
    const bystander = (await sys.loginAt(sys.mobile, DEMO)).bff; // another SSO session
    await mobile.get('/bff/user').expect(200);

    const { logoutUrl } = (await pc.get('/bff/user').expect(200)).body;
    const endSessionUrl = (await pc.get(logoutUrl).expect(302)).headers.location;
    expect(await sys.idp.endSession(ssoBrowser, endSessionUrl)).toBe(`${sys.pc.url}/signed-out`);

    await pc.get('/bff/user').expect(401);
    await mobile.get('/bff/user').expect(401);
    await mobile.get('/api/menu').expect(401);
    await bystander.get('/bff/user').expect(200);
    // and the SSO session itself is gone: logging in again asks for the password
    const again = await request(sys.pc.url).get('/bff/login').expect(302);
    expect(await sys.idp.asksForPassword(ssoBrowser, again.headers.location)).toBe(true);
  });

  it('refuses a logout token it cannot verify, and ends nothing', async () => {
    const user = (await sys.loginAt(sys.pc)).bff;
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, sub: 'demo' })
      .setProtectedHeader({ alg: 'RS256', typ: 'logout+jwt' })
      .setIssuer(sys.idp.issuer)
      .setAudience(sys.pc.config.ssoClientId)
      .setIssuedAt()
      .setJti('forged-1')
      .sign(privateKey);
    for (const body of [{ logout_token: forged }, { logout_token: 'not.a.jwt' }, {}]) {
      const res = await request(sys.pc.url).post('/bff/backchannel-logout').type('form').send(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'LOGOUT_TOKEN_INVALID', error: 'invalid_request' });
    }
    await user.get('/bff/user').expect(200);
  });
});
