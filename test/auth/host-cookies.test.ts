import request from 'supertest';
import { loadBffConfig } from '../../config/bff-config';
import { startBffSystem, type BffSystem } from '../support/system';
import { authorizeAtSso, DEMO } from '../support/login';

const PROD_OK = { NODE_ENV: 'production', SSO_ISSUER: 'https://sso.example.test/realms/contracts', SSO_CLIENT_SECRET: 'a-real-secret-from-the-vault', SESSION_SECRET: 'another-real-secret-value' };
const HTTPS = { 'x-forwarded-proto': 'https' };
const cookieOf = (res: request.Response, name: string) => ((res.headers['set-cookie'] as unknown as string[]) ?? []).find((c) => c.startsWith(`${name}=`));

describe('__Host- cookies whenever cookies are Secure (behind a TLS-terminating proxy)', () => {
  let sys: BffSystem;
  beforeAll(async () => {
    const secure = { COOKIE_SECURE: 'true', TRUST_PROXY: 'loopback' };
    sys = await startBffSystem({ pc: secure, mobile: secure });
  });
  afterAll(async () => sys?.close());

  it('names the login-state and session cookies __Host-, Secure, Path=/ and without Domain, and the login works with them', async () => {
    const { pc } = sys;
    expect(pc.config.sessionCookieName).toBe('__Host-bff.pc.sid');
    const start = await request(pc.url).get('/bff/login').set(HTTPS).expect(302);
    const attempt = cookieOf(start, '__Host-bff.pc.sid.login')!;
    expect(attempt).toMatch(/^__Host-bff\.pc\.sid\.login=[\w-]+; Max-Age=600; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/);
    const back = new URL(await authorizeAtSso(request.agent(sys.sso.issuer), sys.sso.issuer, start.headers.location, DEMO, pc.url));
    const callback = await request(pc.url).get(back.pathname + back.search).set(HTTPS).set('Cookie', attempt.split(';')[0]).expect(302);
    const session = cookieOf(callback, '__Host-bff.pc.sid')!;
    expect(session).toMatch(/^__Host-bff\.pc\.sid=[^;]+; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/);
    expect(session).not.toMatch(/domain=/i);
    expect(cookieOf(callback, '__Host-bff.pc.sid.login')).toMatch(/^__Host-bff\.pc\.sid\.login=; Path=\/; Expires=Thu, 01 Jan 1970/);
    const cookie = session.split(';')[0];
    expect((await request(pc.url).get('/bff/user').set(HTTPS).set('Cookie', cookie).expect(200)).body.name).toBe('Demo User');
    // The unprefixed name of before the migration is not read: such a browser logs in once more.
    await request(pc.url).get('/bff/user').set(HTTPS).set('Cookie', cookie.replace('__Host-', '')).expect(401);
  });

  it('keeps the plain names when cookies are not Secure, and refuses a __Host- name that is not', () => {
    expect(loadBffConfig('pc', {}).sessionCookieName).toBe('bff.pc.sid');
    expect(loadBffConfig('mobile', { PUBLIC_URL: 'https://m.example' }).sessionCookieName).toBe('__Host-bff.mobile.sid');
    expect(loadBffConfig('pc', { COOKIE_SECURE: 'true', SESSION_COOKIE_NAME: '__Host-ours' }).sessionCookieName).toBe('__Host-ours');
    expect(() => loadBffConfig('pc', { COOKIE_SECURE: 'false', SESSION_COOKIE_NAME: '__Host-ours' })).toThrow(/SESSION_COOKIE_NAME: a __Host- cookie/);
  });
});

describe('/bff/diagnostics: development only', () => {
  it('is on in development, off in production, and cannot be switched on there', () => {
    expect(loadBffConfig('pc', {}).diagnostics).toBe(true);
    expect(loadBffConfig('pc', PROD_OK).diagnostics).toBe(false);
    expect(() => loadBffConfig('pc', { ...PROD_OK, BFF_DIAGNOSTICS: 'true' })).toThrow(/BFF_DIAGNOSTICS: .*never served in production/);
  });
});
