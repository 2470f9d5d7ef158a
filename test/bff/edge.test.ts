import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createBffApp } from '../../routes/create-bff-app';
import { useBffSystem } from '../support/system';

describe('edge behaviour: globalNo, headers, problem+json, health and metrics', () => {
  const sys = useBffSystem();

  it('echoes a well-formed x-global-no and replaces a malformed one', async () => {
    const given = await request(sys.pc.url).get('/healthz').set('x-global-no', 'UI-20261124-000123').expect(200);
    expect(given.headers['x-global-no']).toBe('UI-20261124-000123');
    for (const bad of ['short', 'x'.repeat(65), 'has space inside', '<script>alert(1)</script>']) {
      const res = await request(sys.pc.url).get('/healthz').set('x-global-no', bad);
      expect(res.headers['x-global-no']).not.toBe(bad);
      expect(res.headers['x-global-no']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const a = await request(sys.pc.url).get('/healthz');
    const b = await request(sys.pc.url).get('/healthz');
    expect(a.headers['x-global-no']).not.toBe(b.headers['x-global-no']);
  });

  it('sends security headers and no framework banner', async () => {
    const res = await request(sys.mobile.url).get('/healthz');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
  });

  it('answers unknown paths with a 404 problem carrying the globalNo', async () => {
    const res = await request(sys.pc.url).get('/no/such/page').set('x-global-no', 'TEST-404-global');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({
      type: 'urn:contract-bff:problem:NOT_FOUND',
      title: 'No such resource',
      status: 404,
      code: 'NOT_FOUND',
      detail: 'No such resource',
      instance: '/no/such/page',
      globalNo: 'TEST-404-global',
    });
  });

  it('turns an unexpected error into a 500 that says nothing about it', async () => {
    const app = createBffApp(sys.pc.runtime, {
      api: (router) =>
        router.get('/explode', () => {
          throw new Error('ECONNREFUSED 10.0.0.7:3306 password=hunter2');
        }),
    });
    const server = http.createServer(app).listen(0);
    try {
      const agent = await sys.login(sys.pc);
      const cookie = (agent as unknown as { jar: { getCookies(o: object): { toValueString(): string }[] } }).jar
        .getCookies({ domain: 'localhost', path: '/', secure: false, script: false })
        .map((c) => c.toValueString())
        .join('; ');
      const res = await request(`http://localhost:${(server.address() as AddressInfo).port}`).get('/api/explode').set('Cookie', cookie);
      expect(res.status).toBe(500);
      expect(res.body.code).toBe('INTERNAL');
      expect(res.text).not.toMatch(/hunter2|ECONNREFUSED|10\.0\.0\.7|at .*\.ts/);
    } finally {
      server.close();
    }
  });

  it('reports health, readiness and Prometheus metrics by route', async () => {
    await request(sys.pc.url).get('/healthz').expect(200, { status: 'ok' });
    const ready = await request(sys.pc.url).get('/readyz').expect(200);
    expect(ready.body).toEqual({ ready: true, checks: { sessions: 'up' } });
    await request(sys.pc.url).get('/api/menu').expect(401);
    const metrics = await request(sys.pc.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/http_requests_total\{route="\/api",method="GET",status="401",app="bff-pc"\} \d+/);
    expect(metrics.text).toMatch(/http_request_duration_seconds_bucket\{le="0.005",app="bff-pc",route="\/readyz",method="GET",status="200"\}/);
  });
});
