import request from 'supertest';
import type { RunningServer } from '../../lib/http/serve';
import { startLegacyApp } from '../../sandbox/legacy-app/start-legacy-app';
import { startBffSystem, type BffSystem } from '../support/system';
import { loginCookie } from './support/login-cookie';
import { rawRequest } from './support/raw-request';
import { connectWebsocket, type RefusedUpgrade } from './support/websocket-client';

/** Paths that climb from the public row (/legacy/notice → upstream /public/) into the session-only tree. */
const CLIMBS = ['/legacy/notice/../app/echo', '/legacy/notice/./../app/echo', '/legacy/notice/x/../../app/echo', '/legacy/notice//../app/echo', '/legacy/notice/../app/../app/echo'];

/** Encoded separators, encoded dot segments, NUL, bad escapes: refused, never decoded twice. */
const REFUSED = [
  '/legacy/notice/%2e%2e/app/echo',
  '/legacy/notice/%2E%2E/app/echo',
  '/legacy/notice/.%2e/app/echo',
  '/legacy/notice/%2e./app/echo',
  '/legacy/notice/%2e/echo',
  '/legacy/notice/..%2fapp/echo',
  '/legacy/notice/..%2Fapp%2Fecho',
  '/legacy/notice/%2e%2e%2fapp%2fecho',
  '/legacy/notice/..%5capp/echo',
  '/legacy/notice/..%5Capp%5Cecho',
  '/legacy/notice/..\\app/echo',
  '/legacy/notice/echo%00',
  '/legacy/notice/echo%00.html',
  '/legacy/notice/%ff',
  '/legacy/notice/%c0%ae%c0%ae/app/echo',
  '/legacy/notice/%zz',
  '/legacy/notice/echo%',
  '/legacy/notice/echo%2',
  '/legacy/app/%2e%2e/notice/echo',
  '/api/contracts/%ff',
  '/bff/%2e%2e/api/menu',
];

describe('proxied paths are decoded once and normalised before the routing table is matched', () => {
  let legacy: RunningServer;
  let sys: BffSystem;

  beforeAll(async () => {
    legacy = await startLegacyApp(0);
    // Both apps on their default tables: /legacy/app (session) and /legacy/notice (public, → /public/).
    sys = await startBffSystem({ pc: { LEGACY_APP_URL: legacy.url }, mobile: { LEGACY_APP_URL: legacy.url } });
    await Promise.all([request(sys.pc.url).get('/readyz'), request(sys.mobile.url).get('/readyz')]);
  });
  afterAll(async () => {
    await sys?.close();
    await legacy?.close();
  });

  const apps = () => [sys.pc, sys.mobile];

  it.each(CLIMBS)('never lets an anonymous caller climb from the public row into the session-only tree: %s', async (path) => {
    for (const app of apps()) {
      const res = await rawRequest(app.url, path, { headers: { accept: 'application/json' } });
      expect({ app: app.app, status: res.status }).toEqual({ app: app.app, status: 401 });
      expect(res.json()?.code).toBe('SESSION_REQUIRED');
    }
  });

  it.each(REFUSED)('refuses %s with a 400 problem on both apps', async (path) => {
    for (const app of apps()) {
      const res = await rawRequest(app.url, path, { headers: { accept: 'application/json' } });
      expect({ app: app.app, status: res.status, type: res.header('content-type') }).toEqual({ app: app.app, status: 400, type: expect.stringMatching(/^application\/problem\+json/) });
      expect(res.json()?.code).toBe('INVALID_PATH');
      expect(res.body).not.toMatch(/at \w+ \(|URIError|<pre>/);
    }
  });

  it('forwards the normalised path, query untouched, to the upstream', async () => {
    for (const app of apps()) {
      const res = await rawRequest(app.url, '/legacy/notice/a/b/./../../echo?x=1&y=%2e%2e');
      expect(res.status).toBe(200);
      expect(res.json()?.path).toBe('/public/echo?x=1&y=%2e%2e');
      const korean = await rawRequest(app.url, '/legacy/notice/echo/%ed%95%9c%EA%B8%80/./a%20b');
      expect(korean.json()?.path).toBe('/public/echo/%ED%95%9C%EA%B8%80/a%20b');
      const merged = await rawRequest(app.url, '/legacy/notice//echo');
      expect(merged.json()?.path).toBe('/public/echo');
    }
  });

  it('normalises a logged-in call too: the session row receives no dot segments, and leaving it for the public row drops the identity', async () => {
    for (const app of apps()) {
      const cookie = await loginCookie(sys, app);
      const inside = await rawRequest(app.url, '/legacy/app/x/../echo', { headers: { cookie } });
      expect(inside.status).toBe(200);
      expect(inside.json()?.path).toBe('/echo');
      const out = await rawRequest(app.url, '/legacy/app/../notice/echo', { headers: { cookie } });
      expect(out.status).toBe(200);
      expect(out.json()?.path).toBe('/public/echo');
      expect((out.json()?.headers as Record<string, string>)['x-user-sub']).toBeUndefined();
    }
  });

  it('applies the same rules to WebSocket handshakes', async () => {
    const ws = (path: string) =>
      connectWebsocket(`${sys.pc.url.replace(/^http/, 'ws')}${path}`, { origin: sys.pc.url }).then(
        (client) => (client.close(), { status: 101 }),
        (err: RefusedUpgrade) => ({ status: err.status, code: (JSON.parse(err.body || '{}') as { code?: string }).code }),
      );
    expect(await ws('/legacy/notice/../app/ws/echo')).toEqual({ status: 401, code: 'SESSION_REQUIRED' });
    // Written raw: a WHATWG URL (what Node's client parses) would itself turn %2e%2e into `..`.
    const upgrade = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', origin: sys.pc.url };
    for (const path of ['/legacy/notice/%2e%2e/app/ws/echo', '/legacy/app/%ff/ws/echo', '/legacy/app/..%2f..%2fws/echo']) {
      const res = await rawRequest(sys.pc.url, path, { headers: upgrade });
      expect({ path, status: res.status, code: res.json()?.code }).toEqual({ path, status: 400, code: 'INVALID_PATH' });
    }
  });
});

describe('the shortcut for canonical paths', () => {
  it('gives what the full algorithm gives, for 20,000 generated paths', async () => {
    const { normalizePath, normalizeSegments } = await import('../../lib/http/normalize-path');
    const parts = ['/', '/', '.', '..', 'a', 'Zz9', '%2e', '%2E', '%41', '%2f', '~', '@', ':', '-', '_', '%', '//', ' ', 'é', '\\'];
    // mulberry32: a seeded generator, so a failure names a path that fails again.
    let seed = 42;
    const next = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (t ^ (t >>> 14)) >>> 0;
    };
    let taken = 0;
    for (let n = 0; n < 20_000; n++) {
      let path = '/';
      for (let k = next() % 8; k > 0; k--) path += parts[next() % parts.length];
      const fast = normalizePath(path);
      if (fast.ok && fast.path === path) taken++;
      // Refusals have their own, earlier checks (same reason text is not the point): compare outcomes.
      const full = /[\u0000-\u0020\u007f-\uffff\\]|%(?![0-9a-fA-F]{2})/.test(path) ? fast : normalizeSegments(path);
      expect({ path, ok: fast.ok, result: fast.ok ? fast.path : undefined }).toEqual({ path, ok: full.ok, result: full.ok ? full.path : undefined });
    }
    expect(taken).toBeGreaterThan(1_000);
  });
});
