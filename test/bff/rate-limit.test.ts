import request from 'supertest';
import { startBff, testPrefix, type RunningBff } from '../support/bff';
import { KIM } from '../support/login';
import { useBffSystem } from '../support/system';
import { loginCookie } from '../proxy/support/login-cookie';

/** Low limits so a test reaches them; every instance of this file shares one Redis prefix. */
const LIMITS = {
  RATE_LIMIT_WINDOW_SECONDS: '30',
  RATE_LIMIT_LOGIN_PER_IP: '4',
  RATE_LIMIT_SAGA_PER_SESSION: '3',
  RATE_LIMIT_SAGA_PER_IP: '5',
  RATE_LIMIT_UPLOAD_PER_SESSION: '2',
  RATE_LIMIT_UPLOAD_PER_IP: '50',
  RATE_LIMIT_PREFIX: `${testPrefix}rate:`,
};

const tooMany = (res: request.Response) => {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe('TOO_MANY_REQUESTS');
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(30);
};

describe('rate limits per client IP and per session, shared through Redis', () => {
  // Login limits are reached by the test itself: the logins the other tests need come from a second prefix.
  const sys = useBffSystem({ pc: LIMITS, mobile: { ...LIMITS, RATE_LIMIT_PREFIX: `${testPrefix}rate-mobile:`, RATE_LIMIT_LOGIN_PER_IP: '1000' } });

  it('limits saga triggers per session: the 4th POST/PUT /api/contracts in the window is a 429 with Retry-After; another session still passes', async () => {
    const kim = await loginCookie(sys, sys.mobile, KIM);
    const demo = await loginCookie(sys, sys.mobile);
    const trigger = (cookie: string, i: number) =>
      i % 2 ? request(sys.mobile.url).put('/api/contracts/1').set('Cookie', cookie).set('X-CSRF', '1').send({ contract: {} }) : request(sys.mobile.url).post('/api/contracts').set('Cookie', cookie).set('X-CSRF', '1').send({});
    for (let i = 0; i < 3; i++) expect((await trigger(kim, i)).status).toBe(400);
    tooMany(await trigger(kim, 3));
    // Reads are not limited.
    await request(sys.mobile.url).get('/api/menu').set('Cookie', kim).expect(200);
    expect((await trigger(demo, 0)).status).toBe(400);
    // … until the client IP as a whole reaches its own limit (5; refused calls count too): the next is refused.
    tooMany(await trigger(demo, 1));
  });

  it('limits uploads per session', async () => {
    const cookie = await loginCookie(sys, sys.mobile);
    const upload = () => request(sys.mobile.url).post('/api/files').set('Cookie', cookie).set('X-CSRF', '1').attach('file', Buffer.from('contract notes\n'), 'notes.txt');
    for (let i = 0; i < 2; i++) expect((await upload()).status).toBe(201);
    tooMany(await upload());
  });

  it('limits logins per client IP, and every instance of the app sees the same count', async () => {
    let second: RunningBff | undefined;
    try {
      second = await startBff('pc', { SSO_ISSUER: sys.sso.issuer, ...LIMITS });
      const statuses: number[] = [];
      for (const app of [sys.pc, second, sys.pc, second, sys.pc]) statuses.push((await request(app.url).get('/bff/login')).status);
      expect(statuses.slice(0, 4)).toEqual([302, 302, 302, 302]);
      tooMany(await request(second.url).get('/bff/login'));
      tooMany(await request(sys.pc.url).get('/bff/login?prompt=none'));
    } finally {
      await second?.close();
    }
  });
});
