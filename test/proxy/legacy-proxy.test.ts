import { createHash } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { createRouteProxy } from '../../core/proxy/create-route-proxy';
import type { RunningServer } from '../../lib/http/serve';
import { startLegacyApp } from '../../sandbox/legacy-app/start-legacy-app';
import { freePort } from '../support/free-port';
import { startBffSystem, type BffSystem } from '../support/system';
import { writeRoutesFile } from './support/legacy-routes-file';

describe('routing to the legacy VM apps', () => {
  let legacy: RunningServer;
  let sys: BffSystem;

  beforeAll(async () => {
    legacy = await startLegacyApp(0);
    const target = '${LEGACY_APP_URL}';
    const routes = writeRoutesFile([
      { path: '/legacy/app', target, timeoutMs: 10_000, auth: 'session', websocket: true },
      { path: '/legacy/notice', target, pathRewrite: { '^/': '/public/' }, timeoutMs: 5_000, auth: 'public' },
      { path: '/legacy/quick', target, timeoutMs: 500, auth: 'session' },
      { path: '/legacy/down', target: `http://127.0.0.1:${await freePort()}`, timeoutMs: 5_000, auth: 'session' },
    ]);
    // PC runs the table above; mobile runs its default table (config/routes/mobile.json).
    sys = await startBffSystem({
      pc: { LEGACY_ROUTES_FILE: routes, LEGACY_APP_URL: legacy.url },
      mobile: { LEGACY_APP_URL: legacy.url },
    });
  });
  afterAll(async () => {
    await sys?.close();
    await legacy?.close();
  });

  it("never forwards the browser's Cookie or Authorization, and adds who the user is, the globalNo and X-Forwarded-*", async () => {
    const agent = await sys.login(sys.pc);
    const res = await agent
      .get('/legacy/app/echo?q=1')
      .set('Authorization', 'Bearer stolen-token')
      .set('X-User-Sub', 'admin')
      .set('X-Forwarded-For', '6.6.6.6')
      .set('X-Global-No', 'GNO-2024-000123')
      .expect(200);
    const seen = res.body.headers as Record<string, string>;
    expect(res.body.path).toBe('/echo?q=1');
    expect(seen.cookie).toBeUndefined();
    expect(seen.authorization).toBeUndefined();
    expect(seen['x-user-sub']).toBe('demo');
    expect(decodeURIComponent(seen['x-user-name'])).toBe('Demo User');
    expect(seen['x-global-no']).toBe('GNO-2024-000123');
    expect(res.headers['x-global-no']).toBe('GNO-2024-000123');
    // Not behind a trusted proxy: the client's own X-Forwarded-For is replaced, not extended.
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-forwarded-host']).toBe(new URL(sys.pc.url).host);
    expect(seen.host).toBe(new URL(legacy.url).host);
  });

  it('routes /legacy/app in the mobile default table as well', async () => {
    const agent = await sys.login(sys.mobile);
    const res = await agent.get('/legacy/app/api/invoices').expect(200);
    expect(res.body.items).toHaveLength(2);
  });

  it('delivers POST JSON bodies and streams large bodies whole (X-CSRF: 1 required)', async () => {
    const agent = await sys.login(sys.pc);
    const invoice = { svcNo: '02-555-0101', amount: 12000, memo: '한글 메모' };
    const echoed = await agent.post('/legacy/app/echo').set('X-CSRF', '1').send(invoice).expect(200);
    expect(echoed.body.method).toBe('POST');
    expect(echoed.body.body).toEqual(invoice);

    const refused = await agent.post('/legacy/app/echo').send(invoice).expect(401);
    expect(refused.body.code).toBe('CSRF_REQUIRED');

    const big = Buffer.alloc(20 * 1024 * 1024, 'contract-row;');
    const sunk = await agent.post('/legacy/app/sink').set('X-CSRF', '1').set('content-type', 'application/octet-stream').send(big).expect(200);
    expect(sunk.body).toEqual({ bytes: big.length, sha256: createHash('sha256').update(big).digest('hex') });
  });

  it('still delivers a JSON body when a body parser has consumed the stream before the proxy', async () => {
    const proxy = createRouteProxy({ path: '/legacy/app', target: legacy.url, timeoutMs: 2_000, auth: 'public', csrf: false, websocket: false, allowPathParameters: false, forwardHeaders: [], responseHeaders: {}, relayErrors: false }, () => false);
    const app = express().use(express.json(), proxy.web as unknown as express.RequestHandler);
    try {
      const res = await request(app).post('/echo').send({ contractNo: 42 }).expect(200);
      expect(res.body.body).toEqual({ contractNo: 42 });
    } finally {
      proxy.close();
    }
  });

  it('streams a large download from the legacy app', async () => {
    const agent = await sys.login(sys.pc);
    const res = await agent.get('/legacy/app/download?mb=16').buffer(true).parse((r, done) => {
      let bytes = 0;
      r.on('data', (c: Buffer) => (bytes += c.length));
      r.on('end', () => done(null, bytes));
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe(16 * 1024 * 1024);
  });

  it('requires a session on session rows: 401 problem for calls, a login redirect for page navigations', async () => {
    const res = await request(sys.pc.url).get('/legacy/app/api/invoices').set('Accept', 'application/json').expect(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('SESSION_REQUIRED');
    const page = await request(sys.pc.url).get('/legacy/app/billing').set('Sec-Fetch-Mode', 'navigate').set('Accept', 'text/html').expect(302);
    expect(page.headers.location).toBe(`/bff/login?returnTo=${encodeURIComponent('/legacy/app/billing')}`);
  });

  it('serves public rows without a session, and never tells them who the user is', async () => {
    const anonymous = await request(sys.pc.url).get('/legacy/notice/').expect(200);
    expect(anonymous.text).toContain('Notices');
    const agent = await sys.login(sys.pc);
    const res = await agent.get('/legacy/notice/echo').expect(200);
    expect(res.body.path).toBe('/public/echo');
    expect(res.body.headers['x-user-sub']).toBeUndefined();
    expect(res.body.headers.cookie).toBeUndefined();
  });

  it('answers 504 UPSTREAM_TIMEOUT problem+json when the legacy app is slower than the row allows', async () => {
    const agent = await sys.login(sys.pc);
    const started = Date.now();
    const res = await agent.get('/legacy/quick/slow?ms=5000').expect(504);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'UPSTREAM_TIMEOUT', status: 504 });
    expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|ECONN|node:/);
  });

  it('answers 502 UPSTREAM_UNAVAILABLE problem+json when the legacy app is down', async () => {
    const agent = await sys.login(sys.pc);
    const res = await agent.get('/legacy/down/anything').expect(502);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 502 });
    expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });

  it("does not let the legacy app set its cookies on the BFF's origin", async () => {
    const agent = await sys.login(sys.pc);
    const res = await agent.get('/legacy/app/set-cookie').expect(200);
    expect(res.body).toEqual({ set: true });
    const cookies = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
    expect(cookies.filter((c) => c.startsWith('LEGACY_SID='))).toEqual([]);
  });
});
