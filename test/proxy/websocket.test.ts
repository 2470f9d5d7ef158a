import request from 'supertest';
import type { RunningServer } from '../../lib/http/serve';
import { startLegacyApp } from '../../sandbox/legacy-app/start-legacy-app';
import { KIM } from '../support/login';
import { startBffSystem, type BffSystem } from '../support/system';
import { loginCookie } from './support/login-cookie';
import { connectWebsocket, type RefusedUpgrade } from './support/websocket-client';

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the upgrade was accepted');
    },
    (err: RefusedUpgrade) => ({ status: err.status, body: JSON.parse(err.body) as { code: string } }),
  );

describe('WebSockets through the legacy routes', () => {
  let legacy: RunningServer;
  let sys: BffSystem;

  beforeAll(async () => {
    legacy = await startLegacyApp(0);
    // Default tables: PC's /legacy/app allows WebSockets, mobile's does not.
    sys = await startBffSystem({ pc: { LEGACY_APP_URL: legacy.url }, mobile: { LEGACY_APP_URL: legacy.url } });
    // As a readiness probe would in production: the first request hooks the upgrade handler to the server.
    await Promise.all([request(sys.pc.url).get('/readyz'), request(sys.mobile.url).get('/readyz')]);
  });
  afterAll(async () => {
    await sys?.close();
    await legacy?.close();
  });

  const wsUrl = (httpUrl: string, path: string) => `${httpUrl.replace(/^http/, 'ws')}${path}`;

  it('proxies an upgrade with a live session: the user is named, the cookie is not forwarded, messages echo', async () => {
    const cookie = await loginCookie(sys, sys.pc, KIM);
    const ws = await connectWebsocket(wsUrl(sys.pc.url, '/legacy/app/ws/echo'), { cookie, origin: sys.pc.url });
    try {
      const hello = JSON.parse(await ws.next()) as { path: string; headers: Record<string, string> };
      expect(hello.path).toBe('/ws/echo');
      expect(hello.headers.cookie).toBeUndefined();
      expect(hello.headers['x-user-sub']).toBe('kim');
      expect(hello.headers['x-global-no']).toMatch(/^[\w.-]{8,64}$/);
      ws.send('계약 상태 구독');
      expect(await ws.next()).toBe('계약 상태 구독');
    } finally {
      ws.close();
    }
  });

  it('refuses an upgrade without a session (401), from another origin (403), or where the row does not allow it (404)', async () => {
    const url = wsUrl(sys.pc.url, '/legacy/app/ws/echo');
    const anonymous = await refusal(connectWebsocket(url, { origin: sys.pc.url }));
    expect(anonymous).toMatchObject({ status: 401, body: { code: 'SESSION_REQUIRED' } });

    const cookie = await loginCookie(sys, sys.pc);
    const crossSite = await refusal(connectWebsocket(url, { cookie, origin: 'https://evil.example' }));
    expect(crossSite).toMatchObject({ status: 403, body: { code: 'ORIGIN_NOT_ALLOWED' } });

    const mobileCookie = await loginCookie(sys, sys.mobile);
    const notAllowed = await refusal(connectWebsocket(wsUrl(sys.mobile.url, '/legacy/app/ws/echo'), { cookie: mobileCookie, origin: sys.mobile.url }));
    expect(notAllowed).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('refuses an upgrade whose path a Java upstream would read otherwise: ;parameters, double encoding (400)', async () => {
    const cookie = await loginCookie(sys, sys.pc);
    for (const path of ['/legacy/app/ws/echo;jsessionid=1', '/legacy/app/x/..;/ws/echo', '/legacy/app/%2e%2e;/app/ws/echo', '/legacy/app/ws%252fecho']) {
      const refused = await refusal(connectWebsocket(wsUrl(sys.pc.url, path), { cookie, origin: sys.pc.url }));
      expect({ path, ...refused }).toMatchObject({ path, status: 400, body: { code: 'INVALID_PATH' } });
    }
  });
});
