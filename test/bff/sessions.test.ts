import request from 'supertest';
import { reserveServer, startBff } from '../support/bff';
import { SSO_PROVIDERS } from '../support/sso-provider';
import { loginThrough, sessionCookieOf, useBffSystem } from '../support/system';
import { DEMO } from '../support/login';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(SSO_PROVIDERS)('sessions: sharing, timeouts, the user profile, CSRF and 401s (%s)', (_name, provider) => {
  const sys = useBffSystem({ provider });

  it('shares a session between two instances of the same app on the same Redis', async () => {
    const second = await startBff('pc', { ...sys.idp.appEnv('pc'), SESSION_PREFIX: sys.pc.config.sessionPrefix });
    try {
      const { callback } = await sys.loginAt(sys.pc, DEMO);
      const cookie = sessionCookieOf(callback, 'bff.pc.sid')!.split(';')[0];
      const onSecond = await request(second.url).get('/bff/user').set('Cookie', cookie).expect(200);
      expect(onSecond.body.sub).toBe((await sys.idp.user('demo')).sub);
      // a profile change on one instance is seen on the other
      await request(second.url).patch('/api/session/profile').set('Cookie', cookie).set('X-CSRF', '1').send({ language: 'en' }).expect(200);
      const onFirst = await request(sys.pc.url).get('/api/session/profile').set('Cookie', cookie).expect(200);
      expect(onFirst.body.language).toBe('en');
    } finally {
      await second.close();
    }
  });

  it('does not accept a PC cookie on the mobile app', async () => {
    const { callback } = await sys.loginAt(sys.pc, DEMO);
    const cookie = sessionCookieOf(callback, 'bff.pc.sid')!.split(';')[0];
    await request(sys.mobile.url).get('/bff/user').set('Cookie', cookie).expect(401);
  });

  it('answers 401 problem+json (never a redirect) on /api without a session', async () => {
    for (const [method, path] of [['get', '/api/menu'], ['get', '/api/session/profile'], ['patch', '/api/session/profile'], ['get', '/api/anything']] as const) {
      const res = await request(sys.pc.url)[method](path).set('X-CSRF', '1');
      expect(res.status).toBe(401);
      expect(res.headers.location).toBeUndefined();
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('SESSION_REQUIRED');
    }
  });

  it('requires X-CSRF: 1 on state-changing /api calls and changes nothing without it', async () => {
    const agent = await sys.login(sys.pc);
    for (const header of [undefined, '0', 'true']) {
      const req = agent.patch('/api/session/profile').send({ pageSize: 50 });
      const res = await (header ? req.set('X-CSRF', header) : req);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('CSRF_REQUIRED');
    }
    expect((await agent.get('/api/session/profile').expect(200)).body.pageSize).toBe(20);
  });

  it('stores and changes the user profile in the session, validated', async () => {
    const agent = await sys.login(sys.mobile);
    expect((await agent.get('/api/session/profile').expect(200)).body).toEqual({ language: 'ko', pageSize: 20, lastMenu: null, timeZone: 'Asia/Seoul' });
    const changed = await agent.patch('/api/session/profile').set('X-CSRF', '1').send({ pageSize: 50, lastMenu: 'contracts' }).expect(200);
    expect(changed.body).toMatchObject({ language: 'ko', pageSize: 50, lastMenu: 'contracts' });
    for (const bad of [{ pageSize: 0 }, { pageSize: '50' }, { language: 'fr' }, { isAdmin: true }, { lastMenu: 'contracts.search' }, {}, { timeZone: '../../etc' }]) {
      const res = await agent.patch('/api/session/profile').set('X-CSRF', '1').send(bad);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const malformed = await agent.patch('/api/session/profile').set('X-CSRF', '1').set('content-type', 'application/json').send('{"pageSize":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('MALFORMED_BODY');
    expect((await agent.get('/api/session/profile').expect(200)).body).toMatchObject({ pageSize: 50, lastMenu: 'contracts' });
  });

  it('serves each app its own menu tree', async () => {
    const pcMenu = (await (await sys.login(sys.pc)).get('/api/menu').expect(200)).body;
    const mobileMenu = (await (await sys.login(sys.mobile)).get('/api/menu').expect(200)).body;
    expect(pcMenu.app).toBe('pc');
    expect(mobileMenu.app).toBe('mobile');
    expect(pcMenu.items.map((i: { id: string }) => i.id)).toContain('legacy');
    expect(mobileMenu.items.map((i: { id: string }) => i.id)).toContain('home');
    expect(pcMenu.items).not.toEqual(mobileMenu.items);
  });

  /** A PC app with its own registration at the provider, for timeouts other than the defaults. */
  async function shortLived(idle: number, absolute: number) {
    const reserved = await reserveServer();
    const sso = await provider.start([{ app: 'pc', url: reserved.url }]);
    const bff = await startBff('pc', { ...sso.appEnv('pc'), SESSION_IDLE_SECONDS: String(idle), SESSION_ABSOLUTE_SECONDS: String(absolute) }, reserved);
    const agent = (await loginThrough(sso, bff.url, DEMO)).bff;
    return { agent, close: async () => (await bff.close(), await sso.stop()) };
  }

  it('ends a session left idle past the idle timeout', async () => {
    const short = await shortLived(2, 60);
    const { agent } = short;
    try {
      // activity keeps it alive past the idle timeout …
      for (let i = 0; i < 4; i++) {
        await sleep(700);
        await agent.get('/bff/user').expect(200);
      }
      // … idleness ends it
      await sleep(2300);
      const res = await agent.get('/api/menu').expect(401);
      expect(['SESSION_EXPIRED', 'SESSION_REQUIRED']).toContain(res.body.code);
    } finally {
      await short.close();
    }
  }, 20_000);

  it('ends a session at the absolute timeout however active it is', async () => {
    const short = await shortLived(3, 4);
    const { agent } = short;
    try {
      const user = (await agent.get('/bff/user').expect(200)).body;
      expect(Date.parse(user.session.absoluteExpiresAt) - Date.now()).toBeLessThanOrEqual(4000);
      let status = 200;
      const started = Date.now();
      while (status === 200 && Date.now() - started < 6000) {
        await sleep(400);
        status = (await agent.get('/api/menu')).status;
      }
      expect(status).toBe(401);
      // well past the 3 s idle timeout: only the absolute timeout can have ended it
      expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    } finally {
      await short.close();
    }
  }, 20_000);
});
