import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import request from 'supertest';
import type { RunningServer } from '../../lib/http/serve';
import { startLegacyApp } from '../../sandbox/legacy-app/start-legacy-app';
import { startBffSystem, type BffSystem } from '../support/system';
import { loginCookie } from './support/login-cookie';
import { writeRoutesFile } from './support/legacy-routes-file';

const INLINE_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'";

/** The 101 answer's headers of a WebSocket handshake (the socket is closed right after). */
function handshakeHeaders(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64'), ...headers } });
    req.on('upgrade', (res, socket: Socket) => (socket.destroy(), resolve({ status: res.statusCode ?? 0, headers: res.headers })));
    req.on('response', (res) => (res.resume(), resolve({ status: res.statusCode ?? 0, headers: res.headers })));
    req.on('error', reject);
    req.end();
  });
}

describe('headers at the legacy proxy: an allow-list in, rewritten answers out', () => {
  let legacy: RunningServer;
  let sys: BffSystem;

  beforeAll(async () => {
    legacy = await startLegacyApp(0);
    const target = '${LEGACY_APP_URL}';
    const routes = writeRoutesFile([
      { path: '/legacy/app', target, timeoutMs: 10_000, auth: 'session', websocket: true, forwardHeaders: ['x-legacy-tenant'] },
      { path: '/legacy/notice', target, pathRewrite: { '^/': '/public/' }, timeoutMs: 5_000, auth: 'public' },
      { path: '/legacy/inline', target, timeoutMs: 5_000, auth: 'session', csrf: false, responseHeaders: { 'content-security-policy': INLINE_CSP, 'x-frame-options': 'DENY' } },
      { path: '/legacy/debug', target, timeoutMs: 5_000, auth: 'session', relayErrors: true },
    ]);
    sys = await startBffSystem({ pc: { LEGACY_ROUTES_FILE: routes, LEGACY_APP_URL: legacy.url }, mobile: { LEGACY_APP_URL: legacy.url } });
    await Promise.all([request(sys.pc.url).get('/readyz'), request(sys.mobile.url).get('/readyz')]);
  });
  afterAll(async () => {
    await sys?.close();
    await legacy?.close();
  });

  it('forwards only allow-listed request headers: hop-by-hop, rewrite and unknown headers never pass', async () => {
    for (const app of [sys.pc, sys.mobile]) {
      const cookie = await loginCookie(sys, app);
      const res = await request(app.url)
        .get('/legacy/app/echo')
        .set('Cookie', cookie)
        .set('X-Original-URL', '/admin')
        .set('X-Rewrite-URL', '/admin')
        .set('X-HTTP-Method-Override', 'DELETE')
        .set('Keep-Alive', 'timeout=5')
        .set('TE', 'trailers')
        .set('Proxy-Connection', 'keep-alive')
        .set('Via', '1.1 evil')
        .set('X-Custom-Debug', 'on')
        .set('Accept-Language', 'ko-KR')
        .set('If-None-Match', '"abc"')
        .set('X-Requested-With', 'XMLHttpRequest')
        .set('X-Legacy-Tenant', 'seoul')
        .expect(200);
      const seen = res.body.headers as Record<string, string>;
      for (const name of ['x-original-url', 'x-rewrite-url', 'x-http-method-override', 'keep-alive', 'te', 'proxy-connection', 'via', 'x-custom-debug', 'cookie']) {
        expect({ app: app.app, name, value: seen[name] }).toEqual({ app: app.app, name, value: undefined });
      }
      expect(seen['accept-language']).toBe('ko-KR');
      expect(seen['if-none-match']).toBe('"abc"');
      expect(seen['x-requested-with']).toBe('XMLHttpRequest');
      // A row may name extra headers its app needs (PC's table does; mobile's default does not).
      expect(seen['x-legacy-tenant']).toBe(app === sys.pc ? 'seoul' : undefined);
    }
  });

  it("validates the browser's x-global-no before forwarding it: a malformed one is replaced", async () => {
    for (const bad of ['evil\tvalue', 'x'.repeat(65), 'a b c d e f g h', '<script>x</script>']) {
      const res = await request(sys.pc.url).get('/legacy/notice/echo').set('X-Global-No', bad).expect(200);
      expect(res.body.headers['x-global-no']).not.toBe(bad);
      expect(res.body.headers['x-global-no']).toMatch(/^[A-Za-z0-9._-]{8,64}$/);
      expect(res.body.headers['x-global-no']).toBe(res.headers['x-global-no']);
    }
  });

  it("gives every answer of a row the BFF's security headers and a globalNo, each exactly once: relayed pages, its problems, Express's answers", async () => {
    /** The answer's header names and values as sent (rawHeaders), lower-cased. */
    const rawGet = (path: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; pairs: [string, string][] }>((resolve, reject) => {
        http.get(`${sys.pc.url}${path}`, { headers }, (res) => {
          res.resume();
          const pairs: [string, string][] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i].toLowerCase(), res.rawHeaders[i + 1]]);
          resolve({ status: res.statusCode ?? 0, pairs });
        }).on('error', reject);
      });
    const own = await rawGet('/healthz');
    const security = own.pairs.filter(([name]) => /^(content-security-policy|cross-origin-|origin-agent-cluster|referrer-policy|strict-transport-security|x-content-type-options|x-dns-prefetch-control|x-download-options|x-frame-options|x-permitted-cross-domain-policies|x-xss-protection)/.test(name));
    expect(security.length).toBeGreaterThanOrEqual(8);
    const cookie = await loginCookie(sys, sys.pc);
    const answers = {
      'public page': await rawGet('/legacy/notice/'),
      'session page': await rawGet('/legacy/app/billing', { cookie }),
      'public row, upstream 5xx': await rawGet('/legacy/notice/crash'),
      'session row, upstream 5xx': await rawGet('/legacy/app/crash', { cookie }),
      'session row, no session (Express)': await rawGet('/legacy/app/billing', { accept: 'application/json' }),
      'row with its own CSP': await rawGet('/legacy/inline/inline-script', { cookie }),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([k, a]) => [k, a.status]))).toEqual({
      'public page': 200, 'session page': 200, 'public row, upstream 5xx': 502, 'session row, upstream 5xx': 502, 'session row, no session (Express)': 401, 'row with its own CSP': 200,
    });
    for (const [what, { pairs }] of Object.entries(answers)) {
      const names = pairs.map(([name]) => name);
      expect({ what, repeated: names.filter((n, i) => names.indexOf(n) !== i && n !== 'set-cookie') }).toEqual({ what, repeated: [] });
      expect({ what, globalNo: /^[\w.-]{8,64}$/.test(pairs.find(([n]) => n === 'x-global-no')?.[1] ?? '') }).toEqual({ what, globalNo: true });
      const overridden = what === 'row with its own CSP' ? { 'content-security-policy': INLINE_CSP, 'x-frame-options': 'DENY' } : {};
      for (const [name, value] of security) {
        const expected = overridden[name as keyof typeof overridden] ?? value;
        expect({ what, name, value: pairs.find(([n]) => n === name)?.[1] }).toEqual({ what, name, value: expected });
      }
    }
  });

  it('relays every value of a repeated answer header (WWW-Authenticate, Link), on the fast path and through Express', async () => {
    const cookie = await loginCookie(sys, sys.pc);
    // The row's own path is served before Express; the same path in capitals only by Express (its router ignores case).
    for (const path of ['/legacy/app/repeated-headers', '/LEGACY/APP/repeated-headers']) {
      const res = await request(sys.pc.url).get(path).set('Cookie', cookie).expect(200);
      expect({ path, auth: res.headers['www-authenticate'], link: res.headers.link }).toEqual({ path, auth: 'Negotiate, NTLM', link: '</a.css>; rel=preload, </b.js>; rel=preload' });
    }
  });

  it("lets a row declare its own security headers instead of helmet's", async () => {
    const cookie = await loginCookie(sys, sys.pc);
    const page = await request(sys.pc.url).get('/legacy/inline/inline-script').set('Cookie', cookie).expect(200);
    expect(page.headers['content-security-policy']).toBe(INLINE_CSP);
    expect(page.headers['x-frame-options']).toBe('DENY');
    // Other rows keep the BFF's strict defaults.
    const other = await request(sys.pc.url).get('/legacy/app/inline-script').set('Cookie', cookie).expect(200);
    expect(other.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
  });

  it('marks every answer of a session row Cache-Control: no-store, whatever the legacy app says', async () => {
    for (const app of [sys.pc, sys.mobile]) {
      const cookie = await loginCookie(sys, app);
      const res = await request(app.url).get('/legacy/app/cacheable').set('Cookie', cookie).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect((await request(app.url).get('/legacy/app/billing').set('Cookie', cookie).expect(200)).headers['cache-control']).toBe('no-store');
      // A public row keeps the app's own caching.
      expect((await request(app.url).get('/legacy/notice/cacheable').expect(200)).headers['cache-control']).toBe('public, max-age=3600');
    }
  });

  it("does not relay an upstream's 5xx body (stack trace and all) unless the row says so", async () => {
    for (const app of [sys.pc, sys.mobile]) {
      const anonymous = await request(app.url).get('/legacy/notice/crash').expect(502);
      expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(anonymous.body.code).toBe('UPSTREAM_BAD_RESPONSE');
      expect(anonymous.text).not.toMatch(/hunter2|ORA-01017|at .*\.ts/);
      const cookie = await loginCookie(sys, app);
      const inside = await request(app.url).get('/legacy/app/crash').set('Cookie', cookie).expect(502);
      expect(inside.text).not.toMatch(/hunter2/);
    }
    const cookie = await loginCookie(sys, sys.pc);
    const relayed = await request(sys.pc.url).get('/legacy/debug/crash').set('Cookie', cookie).expect(500);
    expect(relayed.text).toMatch(/ORA-01017/);
  });

  it("rewrites an upstream Location that points at the upstream itself to the row's BFF path", async () => {
    for (const app of [sys.pc, sys.mobile]) {
      const cookie = await loginCookie(sys, app);
      const go = await request(app.url).get('/legacy/app/go-billing').set('Cookie', cookie).expect(302);
      expect(go.headers.location).toBe('/legacy/app/billing?from=go');
      const home = await request(app.url).get('/legacy/notice/go-home').expect(302);
      expect(home.headers.location).toBe('/legacy/notice/');
      const away = await request(app.url).get('/legacy/app/go-away').set('Cookie', cookie).expect(302);
      expect(away.headers.location).toBe('https://elsewhere.example/x');
    }
  });

  it('never lets an upstream Set-Cookie reach the browser, WebSocket handshakes included', async () => {
    const cookie = await loginCookie(sys, sys.pc);
    const plain = await request(sys.pc.url).get('/legacy/app/set-cookie').set('Cookie', cookie).expect(200);
    expect(plain.headers['set-cookie'] ?? []).toEqual([]);
    const ws = await handshakeHeaders(`${sys.pc.url}/legacy/app/ws/echo`, { cookie, origin: sys.pc.url });
    expect(ws.status).toBe(101);
    expect(ws.headers['set-cookie']).toBeUndefined();
    // The stand-in does send one: the check above is not vacuous.
    const direct = await handshakeHeaders(`${legacy.url}/ws/echo`, {});
    expect(direct.headers['set-cookie']?.[0]).toMatch(/^LEGACY_WS=/);
  });
});
