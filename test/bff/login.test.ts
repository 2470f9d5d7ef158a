import request from 'supertest';
import { Redis } from 'ioredis';
import { startBff } from '../support/bff';
import { DEMO, KIM } from '../support/login';
import { SSO_PROVIDERS } from '../support/sso-provider';
import { sessionCookieOf, useBffSystem } from '../support/system';

const redis = new Redis('redis://127.0.0.1:6379');
const sessionIdOf = (setCookie: string) => decodeURIComponent(setCookie.split(';')[0].split('=')[1]).slice(2).split('.')[0];

afterAll(() => redis.disconnect());

describe.each(SSO_PROVIDERS)('SSO login, session cookie and logout (real %s, real Redis)', (_name, provider) => {
  const sys = useBffSystem({ provider });

  it.each(['pc', 'mobile'] as const)('logs in on %s, returns to the asked path and shows the user', async (which) => {
    const bff = sys[which];
    const { bff: agent, callback } = await sys.loginAt(bff, DEMO, { returnTo: '/contracts?tab=1' });
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe('/contracts?tab=1');
    const user = await agent.get('/bff/user').expect(200);
    expect(user.body.sub).toBe((await sys.idp.user('demo')).sub);
    expect(user.body.claims).toMatchObject({ name: 'Demo User', email: 'demo@example.com', preferred_username: 'demo' });
    expect(user.body.claims).not.toHaveProperty('nonce');
    expect(user.body.logoutUrl).toMatch(/^\/bff\/logout\?sid=[\w-]{16,}$/);
    expect(user.body).toMatchObject({ name: 'Demo User', roles: ['agent'] });
    expect(user.body.session.expiresIn.idle).toBeGreaterThan(bff.config.sessionIdleSeconds - 5);
    expect(user.body.session.expiresIn.absolute).toBeGreaterThan(bff.config.sessionAbsoluteSeconds - 5);
    const expiresAt = Date.parse(user.body.session.expiresAt);
    expect(expiresAt).toBeGreaterThan(Date.now());
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + bff.config.sessionIdleSeconds * 1000);
  });

  it('sets an HttpOnly, SameSite=Lax session cookie per app, and regenerates the session id at login', async () => {
    // a first login gives this browser a session; logging in again must not keep its id
    const { bff: agent, callback: first } = await sys.loginAt(sys.pc, DEMO);
    const before = sessionCookieOf(first, 'bff.pc.sid')!;
    expect(before).toMatch(/HttpOnly/);
    expect(before).toMatch(/SameSite=Lax/);
    expect(before).not.toMatch(/Secure/);
    const { callback } = await sys.loginAt(sys.pc, DEMO, { bffAgent: agent });
    const after = sessionCookieOf(callback, 'bff.pc.sid')!;
    expect(after).toBeDefined();
    expect(sessionIdOf(after)).not.toBe(sessionIdOf(before));
    // the pre-login session is gone from Redis; the new one is there under the app's prefix
    expect(await redis.exists(`${sys.pc.config.sessionPrefix}${sessionIdOf(before)}`)).toBe(0);
    expect(await redis.exists(`${sys.pc.config.sessionPrefix}${sessionIdOf(after)}`)).toBe(1);
    const ttl = await redis.ttl(`${sys.pc.config.sessionPrefix}${sessionIdOf(after)}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(sys.pc.config.sessionIdleSeconds);
  });

  it('marks the cookie Secure, and __Host-, when configured for TLS', async () => {
    const secure = await startBff('pc', { ...sys.idp.appEnv('pc'), COOKIE_SECURE: 'true', TRUST_PROXY: 'loopback' });
    try {
      const res = await request(secure.url).get('/bff/login').set('x-forwarded-proto', 'https').expect(302);
      expect(sessionCookieOf(res, '__Host-bff.pc.sid.login')).toMatch(/; Secure/);
    } finally {
      await secure.close();
    }
  });

  it('shows the SSO form again with its message on a wrong password, and logs nobody in', async () => {
    // the dev SSO answers 401, Keycloak 200: each shows its form again with its own wording
    const agent = request.agent(sys.pc.url);
    await expect(sys.loginAt(sys.pc, { username: 'demo', password: 'nope' }, { bffAgent: agent })).rejects.toThrow(/refused the login \((401|200)\): (Wrong|Invalid) username or password/);
    await agent.get('/bff/user').expect(401);
  });

  it('keeps two users apart', async () => {
    const demo = await sys.login(sys.pc, DEMO);
    const kim = await sys.login(sys.pc, KIM);
    expect((await demo.get('/bff/user').expect(200)).body.sub).toBe((await sys.idp.user('demo')).sub);
    expect((await kim.get('/bff/user').expect(200)).body.sub).toBe((await sys.idp.user('kim')).sub);
  });

  it('rejects a callback whose state this browser never started', async () => {
    const res = await request(sys.pc.url).get('/bff/callback?code=abc&state=forged').expect(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('LOGIN_FAILED');
  });

  it.each([
    'https://evil.example/',
    '//evil.example/x',
    '/\\evil.example',
    '\\\\evil.example',
    'javascript:alert(1)',
    '/ok\r\nSet-Cookie:x=1',
    '/..//evil.example',
  ])('refuses returnTo=%s with a 400 problem and no redirect', async (returnTo) => {
    const res = await request(sys.pc.url).get(`/bff/login?returnTo=${encodeURIComponent(returnTo)}`);
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'INVALID_RETURN_URL', status: 400 });
  });

  it('logs out through the GET logoutUrl: needs its sid, revokes the refresh token, deletes the Redis key, clears the cookie, 302 to end-session', async () => {
    const agent = await sys.login(sys.pc);
    const keysBefore = await redis.keys(`${sys.pc.config.sessionPrefix}*`);
    const { logoutUrl } = (await agent.get('/bff/user').expect(200)).body;
    for (const forged of ['/bff/logout', '/bff/logout?sid=', '/bff/logout?sid=guess']) {
      const refused = await agent.get(forged).expect(400);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(refused.body.code).toBe('LOGOUT_SID_INVALID');
    }
    await agent.get('/bff/user').expect(200);
    const revocationsBefore = (await sys.idp.counts()).revocations;

    const res = await agent.get(logoutUrl).expect(302);
    const endSession = new URL(res.headers.location);
    expect(endSession.origin + endSession.pathname).toBe(sys.idp.endpoints.endSession);
    expect(endSession.searchParams.get('id_token_hint')).toMatch(/^ey/);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${sys.pc.url}/signed-out`);
    expect(sessionCookieOf(res, 'bff.pc.sid')).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect((await sys.idp.counts()).revocations).toBe(revocationsBefore + 1);
    const keysAfter = await redis.keys(`${sys.pc.config.sessionPrefix}*`);
    expect(keysAfter.length).toBe(keysBefore.length - 1);
    await agent.get('/bff/user').expect(401);
    // the logout link of an ended session only sends the browser to the signed-out page
    expect((await agent.get(logoutUrl).expect(302)).headers.location).toBe(`${sys.pc.url}/signed-out`);
  });
});
