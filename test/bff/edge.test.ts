import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createBffApp } from '../../routes/create-bff-app';
import zlib from 'node:zlib';
import { startSystemWithServices, useBffSystem, type BffSystem } from '../support/system';
import { dropTestData, type ThreeServices } from '../services/support/service-harness';
import { loginCookie } from '../proxy/support/login-cookie';
import { rawRequest, type RawResponse } from '../proxy/support/raw-request';
import { rowCounts } from '../system/support/row-counts';
import { validContract } from '../support/valid-contract';

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

describe('edge behaviour: hostile input is a 4xx problem, never a 500', () => {
  let services: ThreeServices;
  let sys: BffSystem;
  let closeAll: () => Promise<void>;
  let before: Record<string, number>;

  beforeAll(async () => {
    ({ sys, services, close: closeAll } = await startSystemWithServices());
    before = await rowCounts(services.db('ppon'));
  });
  afterAll(async () => {
    // the BFFs, the contract view and the three services
    await closeAll?.();
    await dropTestData();
  });

  const problem = (res: RawResponse, status: number, code?: string) => {
    expect({ status: res.status, type: res.header('content-type'), code: res.json()?.code }).toEqual({ status, type: expect.stringMatching(/^application\/problem\+json/), code: code ?? expect.any(String) });
    expect(res.body).not.toMatch(/at \w+ \(|node:internal|Error:/);
  };
  const csrf = { 'x-csrf': '1', accept: 'application/json' };

  it('a body whose Content-Encoding lies is a 400, an unknown one a 415: /bff and /api alike', async () => {
    const cookie = await loginCookie(sys, sys.pc);
    const form = 'logout_token=abc';
    problem(await rawRequest(sys.pc.url, '/bff/backchannel-logout', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' }, body: form }), 400, 'MALFORMED_BODY');
    problem(await rawRequest(sys.pc.url, '/bff/backchannel-logout', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'x-unknown' }, body: form }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const body = JSON.stringify({ contract: { contr: 'x' } });
    for (const encoding of ['gzip', 'deflate', 'br']) {
      problem(await rawRequest(sys.pc.url, '/api/contracts', { method: 'POST', headers: { ...csrf, cookie, 'content-type': 'application/json', 'content-encoding': encoding }, body }), 400, 'MALFORMED_BODY');
    }
    const truncated = zlib.gzipSync(body).subarray(0, 15);
    problem(await rawRequest(sys.mobile.url, '/api/contracts', { method: 'POST', headers: { ...csrf, cookie: await loginCookie(sys, sys.mobile), 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: truncated }), 400, 'MALFORMED_BODY');
    problem(await rawRequest(sys.pc.url, '/api/contracts', { method: 'POST', headers: { ...csrf, cookie, 'content-type': 'application/json', 'content-encoding': 'compress' }, body }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('too many form fields is a 413', async () => {
    const fields = Array.from({ length: 1500 }, (_, i) => `f${i}=${i}`).join('&');
    problem(await rawRequest(sys.pc.url, '/bff/backchannel-logout', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: fields }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('a body of the wrong type is a 415 on /bff and /api', async () => {
    const cookie = await loginCookie(sys, sys.pc);
    problem(await rawRequest(sys.pc.url, '/bff/backchannel-logout', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'logout_token=abc' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      problem(await rawRequest(sys.pc.url, '/api/contracts', { method: 'POST', headers: { ...csrf, cookie, 'content-type': type }, body: 'contract=x' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    problem(await rawRequest(sys.pc.url, '/api/contracts', { method: 'POST', headers: { ...csrf, cookie, 'content-type': 'application/json; charset=latin9' }, body: '{}' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('bad escapes and over-long ids in /api paths are a 400/404', async () => {
    const cookie = await loginCookie(sys, sys.pc);
    problem(await rawRequest(sys.pc.url, '/api/contracts/%ff', { headers: { cookie } }), 400, 'INVALID_PATH');
    problem(await rawRequest(sys.pc.url, `/api/sagas/${'a'.repeat(101)}`, { headers: { cookie } }), 400, 'VALIDATION_FAILED');
    problem(await rawRequest(sys.pc.url, `/api/contracts/${'9'.repeat(40)}`, { headers: { cookie } }), 400, 'VALIDATION_FAILED');
    problem(await rawRequest(sys.pc.url, `/api/files/${'f'.repeat(300)}`, { headers: { cookie } }), 404, 'NOT_FOUND');
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['CR/LF', 'a\r\nX-Injected: 1'],
    ['a bidi override', 'invoice\u202efdp.exe'],
    ['a bidi isolate', 'a\u2067b\u2069'],
    // JSON may carry half a UTF-16 pair; stored, it became U+FFFD (the field silently changed)
    ['an unpaired high surrogate', 'Lone\ud800Sur'],
    ['an unpaired low surrogate', 'a\udc00b'],
  ])('a contract field holding %s is refused with a 400 naming the field', async (_label, text) => {
    const agent = await sys.login(sys.pc);
    const res = await agent.post('/api/contracts').set('X-CSRF', '1').send({ contract: validContract({ contr: 'ok', payr: text }) }).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toContainEqual(expect.objectContaining({ path: 'payr', code: 'INVALID_FORMAT' }));
    const amend = await agent.put('/api/contracts/1').set('X-CSRF', '1').send({ contract: { admrInfo: text } }).expect(400);
    expect(amend.body.errors).toContainEqual(expect.objectContaining({ path: 'admrInfo', code: 'INVALID_FORMAT' }));
  });

  it('wrote nothing for any of the above; Korean and ordinary punctuation pass', async () => {
    expect(await rowCounts(services.db('ppon'))).toEqual(before);
    const agent = await sys.login(sys.pc);
    const contract = { ...validContract(), contr: '김민수 (주)한국통신', payr: "O'Brien & Co., Ltd. — 「결제」 #12/3", admrInfo: '서울시 강남구 테헤란로 1, 10층 ☎ 02)555-0100 ※ 야간 방문 불가!' };
    const res = await agent.post('/api/contracts').set('X-CSRF', '1').send({ contract }).expect(201);
    const view = await agent.get(`/api/contracts/${res.body.saPponContNo}`).expect(200);
    expect(JSON.stringify(view.body)).toContain('「결제」');
  });

  it('every /api answer says Cache-Control: no-store', async () => {
    const agent = await sys.login(sys.mobile);
    for (const path of ['/api/menu', '/api/session/profile', '/api/files', '/api/openapi.json', '/api/contracts?size=1', '/api/no-such']) {
      const res = await agent.get(path);
      expect({ path, cache: res.headers['cache-control'] }).toEqual({ path, cache: 'no-store' });
    }
  });
});
