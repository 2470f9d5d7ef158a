import { spawn, type ChildProcess } from 'node:child_process';
import type { Request, Response } from 'express';
import request from 'supertest';
import { Redis } from 'ioredis';
import { loginStateCookie } from '../../core/auth/login-state-cookie';
import { startBff, type RunningBff } from '../support/bff';
import { freePort } from '../support/free-port';
import { DEMO } from '../support/login';
import { SSO_PROVIDERS, type SsoBrowser } from '../support/sso-provider';
import { sessionCookieOf, useBffSystem } from '../support/system';

/** Hostile returnTo values: each would take the browser off-site (or is not a URL one may send it to). */
const HOSTILE = [
  'https://evil.example/', 'http://evil.example', 'HTTPS://EVIL.EXAMPLE', '//evil.example', '///evil.example', '////evil.example',
  '//evil.example:443', '//EVIL.example/x', '/\\evil.example', '\\/evil.example', '\\\\evil.example', '/\\/evil.example',
  '\\/\\/evil.example', '/\\\\evil.example', '///\\;@evil.example', '/.//evil.example', '/..//evil.example', '/a/..//evil.example',
  '/a/b/../..//evil.example', '/%2e//evil.example', '/%2E%2E//evil.example', '/./%2e/..//evil.example', '/.%2e//evil.example',
  '\t//evil.example', '/\t/evil.example', '/\n/evil.example', '/\r\n/evil.example', '\u0000//evil.example', '/ok\r\nSet-Cookie:x=1',
  ' //evil.example', '//evil.example ', '//evil.example\\@localhost', '//evil.example@localhost', '//localhost@evil.example',
  '/\\localhost@evil.example', '//evil.example#@localhost', '//evil.example?@localhost', 'https:evil.example', 'https:/\\evil.example',
  'https:\\\\evil.example', 'https://localhost.evil.example', '//%65vil.example', '//evil%2Eexample', '//evil\u3002example',
  '//\uFF45\uFF56\uFF49\uFF4C.example', '//127.0.0.1', '//0x7f.1', '//[::1]', '//2130706433', 'http://[::ffff:7f00:1]',
  'http://localhost:1/', 'ftp://evil.example', 'file:///etc/passwd', 'javascript:alert(1)', 'JaVaScRiPt:alert(1)',
  'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'x:y', `/${'a'.repeat(3000)}`,
];

/** Tricky, but the WHATWG parser keeps them on this origin: accepted, and sent back re-serialised. */
const HARMLESS: [string, string][] = [
  ['%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ['/%5Cevil.example', '/%5Cevil.example'],
  ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ['http:/evil.example', '/evil.example'],
  ['http:evil.example', '/evil.example'],
  ['/a/../b?x=//evil.example#y', '/b?x=//evil.example#y'],
  ['\uFF0F\uFF0Fevil.example', '/%EF%BC%8F%EF%BC%8Fevil.example'],
  ['/%0a/evil.example', '/%0a/evil.example'],
  ['/contracts/./12', '/contracts/12'],
];

const cookieValue = (setCookie: string[] | undefined, name: string) => (setCookie ?? []).find((c) => c.startsWith(`${name}=`))?.split(';')[0].slice(name.length + 1);

describe.each(SSO_PROVIDERS)('login: PKCE, the login attempt outside Redis, returnTo, problems, silent login (real %s, real Redis)', (_name, provider) => {
  const sys = useBffSystem({ provider });
  let ssoAgent: SsoBrowser;

  beforeAll(async () => {
    // one browser that is logged in at the SSO: later authorizations come straight back with a code
    ssoAgent = sys.idp.browser();
    await sys.loginAt(sys.pc, DEMO, { browser: ssoAgent });
  });

  /** Starts a login on `app` and returns its attempt cookie and the SSO's answer URL (the callback, not yet called). */
  async function startAndAuthorize(app: RunningBff, query = '') {
    const start = await request(app.url).get(`/bff/login${query}`).expect(302);
    const attempt = cookieValue(start.headers['set-cookie'] as unknown as string[], `${app.config.sessionCookieName}.login`)!;
    const back = await sys.idp.authorize(ssoAgent, start.headers.location, DEMO, app.url);
    return { start, attempt, back: new URL(back) };
  }

  /** The same attempt, re-sealed with another returnTo (as if it had been stored at login under another rule). */
  function resealed(app: RunningBff, attempt: string, returnTo: string): string {
    const codec = loginStateCookie(app.config);
    const name = `${app.config.sessionCookieName}.login`;
    let sealed = '';
    const res = { cookie: (_n: string, v: string) => (sealed = v), clearCookie: () => undefined } as unknown as Response;
    const state = codec.take({ headers: { cookie: `${name}=${attempt}` } } as Request, res)!;
    codec.write(res, { ...state, returnTo });
    return sealed;
  }

  it('sends PKCE S256, state and nonce, and keeps them in an encrypted, HttpOnly cookie', async () => {
    const start = await request(sys.pc.url).get('/bff/login?returnTo=/contracts/secret-path').expect(302);
    const authorize = new URL(start.headers.location);
    expect(authorize.origin + authorize.pathname).toBe(sys.idp.endpoints.authorization);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(authorize.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    const setCookie = start.headers['set-cookie'] as unknown as string[];
    expect(setCookie).toHaveLength(1); // no session cookie: nothing server-side yet
    expect(setCookie[0]).toMatch(/^bff\.pc\.sid\.login=[\w-]+; Max-Age=600; Path=\/; Expires=.+; HttpOnly; SameSite=Lax$/);
    const raw = Buffer.from(cookieValue(setCookie, 'bff.pc.sid.login')!, 'base64url').toString('latin1');
    for (const secret of ['secret-path', authorize.searchParams.get('state')!, authorize.searchParams.get('nonce')!, 'code_verifier']) expect(raw).not.toContain(secret);
  });

  it('writes nothing to Redis for 1,000 anonymous logins (a Redis of its own: DBSIZE stays 0)', async () => {
    const port = await freePort();
    const server: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'pipe' });
    await new Promise<void>((resolve, reject) => {
      server.stdout!.on('data', (d: Buffer) => /Ready to accept connections/.test(d.toString()) && resolve());
      server.once('exit', (code) => reject(new Error(`redis-server exited ${code}`)));
    });
    const redis = new Redis(port, '127.0.0.1');
    // The login rate limit (docs/http-api.md#hostile-input-and-limits) counts each IP's logins in Redis, on purpose and in one key
    // per window (test/bff/rate-limit.test.ts); off here, so this measures the login attempt itself.
    const bff = await startBff('pc', { ...sys.idp.appEnv('pc'), REDIS_URL: `redis://127.0.0.1:${port}`, RATE_LIMIT_LOGIN_PER_IP: '0' });
    try {
      expect(await redis.dbsize()).toBe(0);
      const statsBefore = await redis.info('commandstats');
      for (let batch = 0; batch < 20; batch++) {
        const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => request(bff.url).get(`/bff/login?returnTo=/page/${batch * 50 + i}`)));
        expect(answers.every((a) => a.status === 302)).toBe(true);
      }
      expect(await redis.dbsize()).toBe(0);
      const writes = (info: string) => [...info.matchAll(/cmdstat_(set|setex|psetex|hset|sadd|expire|del):calls=(\d+)/g)].reduce((n, m) => n + Number(m[2]), 0);
      expect(writes(await redis.info('commandstats'))).toBe(writes(statsBefore));
    } finally {
      await bff.close();
      redis.disconnect();
      server.kill('SIGKILL');
    }
  });

  it.each(['pc', 'mobile'] as const)(`refuses ${HOSTILE.length} hostile returnTo values at the login on %s (400 problem, no redirect, no cookie)`, async (which) => {
    const app = sys[which];
    for (const value of HOSTILE) {
      const res = await request(app.url).get(`/bff/login?returnTo=${encodeURIComponent(value)}`);
      expect([value, res.status, res.body.code]).toEqual([value, 400, 'INVALID_RETURN_URL']);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers.location).toBeUndefined();
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it.each(['pc', 'mobile'] as const)('checks returnTo again at the callback on %s: a hostile value stored at login is refused there too', async (which) => {
    const app = sys[which];
    const name = `${app.config.sessionCookieName}.login`;
    for (const value of HOSTILE) {
      const { attempt, back } = await startAndAuthorize(app);
      const res = await request(app.url).get(back.pathname + back.search).set('Cookie', `${name}=${resealed(app, attempt, value)}`);
      expect([value, res.status, res.body.code]).toEqual([value, 400, 'INVALID_RETURN_URL']);
      expect(res.headers.location).toBeUndefined();
      expect(sessionCookieOf(res, app.config.sessionCookieName)).toBeUndefined();
    }
  });

  it.each(HARMLESS)('keeps the tricky but on-site %j on this origin and redirects to its re-serialised form %s', async (value, expected) => {
    for (const app of [sys.pc, sys.mobile]) {
      const { callback } = await sys.loginAt(app, DEMO, { browser: ssoAgent, returnTo: value });
      expect(callback.status).toBe(302);
      expect(callback.headers.location).toBe(expected);
      expect(new URL(callback.headers.location, app.url).origin).toBe(new URL(app.url).origin);
    }
  });

  it('answers every login failure with a problem, never a page or a redirect', async () => {
    const problem = (res: request.Response, status: number, code: string) => {
      expect([res.status, res.body.code]).toEqual([status, code]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers.location).toBeUndefined();
    };
    problem(await request(sys.pc.url).get('/bff/login?code=x'), 400, 'VALIDATION_FAILED');
    problem(await request(sys.pc.url).get('/bff/login?state=x&error=access_denied'), 400, 'VALIDATION_FAILED');
    problem(await request(sys.pc.url).get('/bff/login?prompt=consent'), 400, 'VALIDATION_FAILED');
    problem(await request(sys.pc.url).get('/bff/callback?code=abc&state=forged'), 401, 'LOGIN_FAILED'); // no attempt cookie

    const name = 'bff.pc.sid.login';
    const { attempt, back } = await startAndAuthorize(sys.pc);
    const state = back.searchParams.get('state')!;
    const callback = (query: string, cookie = attempt) => request(sys.pc.url).get(`/bff/callback?${query}`).set('Cookie', `${name}=${cookie}`);
    problem(await callback(`code=${back.searchParams.get('code')}&state=not-the-state&iss=${encodeURIComponent(sys.idp.issuer)}`), 401, 'LOGIN_FAILED');
    problem(await callback(`code=forged-code&state=${state}&iss=${encodeURIComponent(sys.idp.issuer)}`), 401, 'LOGIN_FAILED');
    problem(await callback(`error=access_denied&state=${state}&iss=${encodeURIComponent(sys.idp.issuer)}`), 401, 'LOGIN_FAILED');
    problem(await callback(back.search.slice(1), `${attempt.slice(0, -4)}AAAA`), 401, 'LOGIN_FAILED'); // tampered cookie
    // the real answer still works once: the attempt cookie is single-use in practice (cleared), the code too
    const ok = await callback(back.search.slice(1));
    expect(ok.status).toBe(302);
    expect((ok.headers['set-cookie'] as unknown as string[]).join('\n')).toMatch(/bff\.pc\.sid\.login=; Path=\/; Expires=Thu, 01 Jan 1970/);
    problem(await callback(back.search.slice(1)), 401, 'LOGIN_FAILED'); // the code was used
  });

  it('logs in silently (prompt=none) when the SSO session exists, and comes back with a marker when it does not', async () => {
    const { callback, bff } = await sys.loginAt(sys.mobile, DEMO, { browser: ssoAgent, query: 'prompt=none&returnTo=/home' });
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe('/home');
    expect((await bff.get('/bff/user').expect(200)).body.sub).toBe((await sys.idp.user('demo')).sub);

    const stranger = sys.idp.browser(); // a browser with no SSO session
    const start = await request(sys.mobile.url).get('/bff/login?prompt=none&returnTo=/home?tab=2').expect(302);
    expect(new URL(start.headers.location).searchParams.get('prompt')).toBe('none');
    const back = await sys.idp.authorize(stranger, start.headers.location, DEMO, sys.mobile.url);
    expect(new URL(back).searchParams.get('error')).toBe('login_required');
    const attempt = cookieValue(start.headers['set-cookie'] as unknown as string[], 'bff.mobile.sid.login')!;
    const res = await request(sys.mobile.url).get(new URL(back).pathname + new URL(back).search).set('Cookie', `bff.mobile.sid.login=${attempt}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/home?tab=2&login_error=login_required');
    expect(sessionCookieOf(res, 'bff.mobile.sid')).toBeUndefined();
  });
});
