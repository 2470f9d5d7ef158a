import request from 'supertest';
import { SignJWT, generateKeyPair } from 'jose';
import { Redis } from 'ioredis';
import { useBffSystem } from '../support/system';
import { KIM } from '../support/login';

const redis = new Redis('redis://127.0.0.1:6379');

/** Follows the SSO's end-session page the way its auto-submitting form does in a browser. */
async function confirmEndSession(ssoAgent: request.Agent, endSessionUrl: string) {
  const page = await ssoAgent.get(new URL(endSessionUrl).pathname + new URL(endSessionUrl).search).expect(200);
  const action = /action="([^"]+)"/.exec(page.text)![1];
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.text)![1];
  return ssoAgent.post(new URL(action).pathname).type('form').send({ xsrf, logout: 'yes' });
}

describe('back-channel logout from the SSO', () => {
  const sys = useBffSystem();
  afterAll(() => redis.disconnect());

  it('ends the PC and the mobile session of one SSO session when the user logs out on PC', async () => {
    const ssoBrowser = request.agent(sys.sso.issuer);
    const pc = await sys.login(sys.pc, KIM, ssoBrowser);
    const mobile = await sys.login(sys.mobile, KIM, ssoBrowser); // single sign-on: no second password
    const bystander = await sys.login(sys.mobile); // demo, another SSO session
    await mobile.get('/bff/user').expect(200);

    const { logoutUrl } = (await pc.get('/bff/user').expect(200)).body;
    const endSessionUrl = (await pc.get(logoutUrl).expect(302)).headers.location;
    const done = await confirmEndSession(ssoBrowser, endSessionUrl);
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`${sys.pc.url}/signed-out`);

    await pc.get('/bff/user').expect(401);
    await mobile.get('/bff/user').expect(401);
    await mobile.get('/api/menu').expect(401);
    await bystander.get('/bff/user').expect(200);
    // and the SSO session itself is gone: logging in again asks for the password
    const again = await request(sys.pc.url).get('/bff/login').expect(302);
    const authorize = await ssoBrowser.get(new URL(again.headers.location).pathname + new URL(again.headers.location).search);
    const interaction = await ssoBrowser.get(authorize.headers.location);
    expect(interaction.text).toMatch(/name="password"/);
  });

  it('refuses a logout token it cannot verify, and ends nothing', async () => {
    const user = await sys.login(sys.pc);
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, sub: 'demo' })
      .setProtectedHeader({ alg: 'RS256', typ: 'logout+jwt' })
      .setIssuer(sys.sso.issuer)
      .setAudience('bff-pc')
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
