import request from 'supertest';
import { dropTestData, closedPortUrl, type ThreeServices } from '../services/support/service-harness';
import { startBffSystem, startSystemWithServices, type BffSystem } from '../support/system';
import type { RunningContractView } from '../../services/contract-view/run-contract-view';
import { startDelayProxy } from '../support/delay-proxy';
import type { Agent } from '../support/login';

const CONTRACT = { contr: '홍길동', payr: '홍길동', svcNo: '02-555-0100', cardNo: '9410-1111', saler: 'Seoul branch' };

describe('contract screens through the BFF: composition and API-mode sagas (real services, SSO, Redis)', () => {
  let services: ThreeServices;
  let view: RunningContractView;
  let sys: BffSystem;
  let pc: Agent;
  let mobile: Agent;

  const upstreamEnv = () => ({ PPON_URL: services.ppon.url, INETAPLCA_URL: services.inetaplca.url, INTELNET_URL: services.intelnet.url, CONTRACT_VIEW_URL: view.url });
  /** Lists read the contract view, which follows the services' events: poll until it shows what was just written. */
  const listed = async (agent: Agent, path: string, total: number) => {
    for (let started = Date.now(); ; await new Promise((r) => setTimeout(r, 50))) {
      const res = await agent.get(path).expect(200);
      if (res.body.total === total || Date.now() - started > 5000) return res;
    }
  };
  const register = (agent: Agent, body: object = { contract: CONTRACT }) => agent.post('/api/contracts').set('X-CSRF', '1').send(body);

  beforeAll(async () => {
    ({ sys, services, view } = await startSystemWithServices());
    pc = await sys.login(sys.pc);
    mobile = await sys.login(sys.mobile);
  });
  afterAll(async () => {
    await sys?.close();
    await view?.close();
    await services?.close();
    await dropTestData();
  });

  it('registers a contract (API mode) and shows it composed from all three services', async () => {
    const created = await register(pc).expect(201);
    expect(created.body).toMatchObject({ state: 'END', saPponContNo: expect.any(Number), saInetaplcaContNo: expect.any(Number), saIntelnetContNo: expect.any(Number) });
    expect(created.headers.location).toBe(`/api/sagas/${created.body.globalNo}`);
    const no = created.body.saPponContNo;

    const view = await pc.get(`/api/contracts/${no}`).expect(200);
    expect(view.headers['x-bff-completed']).toBe('true');
    expect(view.body.partial).toBe(false);
    expect(view.body.ppon).toMatchObject({ saPponContNo: no, contr: '홍길동', svcNo: '02-555-0100', transacSttus: 'END', delYn: 'N', mkerId: 'demo', mkerNm: 'Demo User' });
    expect(view.body.inetaplca).toMatchObject({ saInetaplcaContNo: created.body.saInetaplcaContNo, saPponContNo: no, transacSttus: 'END' });
    expect(view.body.intelnet).toMatchObject({ saIntelnetContNo: created.body.saIntelnetContNo, saPponContNo: no, transacSttus: 'END' });

    const card = await mobile.get(`/api/contracts/${no}`).expect(200);
    expect(card.body).toMatchObject({ no, contractor: '홍길동', serviceNumber: '02-555-0100', status: 'active', partial: false, madeBy: 'demo' });
    expect(card.body.parts).toEqual({
      ppon: { no, state: 'END' },
      inetaplca: { no: created.body.saInetaplcaContNo, state: 'END' },
      intelnet: { no: created.body.saIntelnetContNo, state: 'END' },
    });

    const saga = await pc.get(`/api/sagas/${created.body.globalNo}`).expect(200);
    expect(saga.body).toMatchObject({ state: 'END', saPponContNo: no, kind: 'reg' });
    expect(saga.body.steps.length).toBeGreaterThanOrEqual(2);
  });

  it('answers a compensated saga (drill) with 409 carrying the outcome, and the screens show it cancelled', async () => {
    const res = await register(pc, { contract: CONTRACT, drill: 'compensate' }).expect(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'SAGA_FAILED', state: 'CANCEL', saPponContNo: expect.any(Number) });
    const card = await mobile.get(`/api/contracts/${res.body.saPponContNo}`).expect(200);
    expect(card.body.status).toBe('deleted');
    const full = await pc.get(`/api/contracts/${res.body.saPponContNo}`).expect(200);
    expect(full.body.ppon).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL' });
    expect(full.body.inetaplca).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL' });
  });

  it('modifies a contract, and the cached view is dropped when the saga starts', async () => {
    const no = (await register(pc).expect(201)).body.saPponContNo;
    expect((await pc.get(`/api/contracts/${no}`)).headers['x-bff-cache']).toBe('MISS');
    expect((await pc.get(`/api/contracts/${no}`)).headers['x-bff-cache']).toBe('HIT');
    const changed = await pc.put(`/api/contracts/${no}`).set('X-CSRF', '1').send({ contract: { payr: '김철수' } }).expect(200);
    expect(changed.body).toMatchObject({ state: 'END', saPponContNo: no });
    const after = await pc.get(`/api/contracts/${no}`).expect(200);
    expect(after.headers['x-bff-cache']).toBe('MISS');
    expect(after.body.ppon).toMatchObject({ payr: '김철수', contr: '홍길동', amdrId: 'demo' });
    expect(after.body.inetaplca.payr).toBe('김철수');
  });

  it('restores a modification whose saga was compensated (drill), and says so with 409', async () => {
    const no = (await register(pc).expect(201)).body.saPponContNo;
    const res = await pc.put(`/api/contracts/${no}`).set('X-CSRF', '1').send({ contract: { payr: 'Never applied' }, drill: 'compensate' }).expect(409);
    expect(res.body).toMatchObject({ code: 'SAGA_FAILED', state: 'CANCEL', saPponContNo: no });
    const after = await pc.get(`/api/contracts/${no}`).expect(200);
    expect(after.body.ppon).toMatchObject({ payr: '홍길동', transacSttus: 'CANCEL', delYn: 'N' });
    expect(after.body.inetaplca).toMatchObject({ payr: '홍길동', transacSttus: 'CANCEL', delYn: 'N' });
    expect(after.body.intelnet.payr).toBe('홍길동');
    expect((await mobile.get(`/api/contracts/${no}`)).body.status).toBe('cancelled');
  });

  it('refuses bad input with 400 problems and starts nothing', async () => {
    const before = (await pc.get('/api/contracts?size=1').expect(200)).body.total;
    for (const body of [{}, { contract: {} }, { contract: { contr: 'x'.repeat(201) } }, { contract: CONTRACT, mode: 'kafka' }, { contract: CONTRACT, drill: 'yes' }, { contract: { ...CONTRACT, mkerId: 'root' } }, { contract: CONTRACT, extra: 1 }]) {
      const res = await register(pc, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    await pc.put('/api/contracts/abc').set('X-CSRF', '1').send({ contract: { payr: 'x' } }).expect(400);
    await pc.put('/api/contracts/1').set('X-CSRF', '1').send({ contract: {} }).expect(400);
    await pc.get('/api/contracts?size=1000').expect(400);
    expect((await pc.get('/api/contracts?size=1').expect(200)).body.total).toBe(before);
  });

  it('requires a session and X-CSRF on every contract route', async () => {
    const anon = request(sys.pc.url);
    for (const [method, path] of [['get', '/api/contracts'], ['get', '/api/contracts/1'], ['post', '/api/contracts'], ['put', '/api/contracts/1'], ['get', '/api/sagas/abcdefgh'], ['get', '/api/sagas/abcdefgh/events']] as const) {
      expect((await anon[method](path).set('X-CSRF', '1')).status).toBe(401);
    }
    expect((await pc.post('/api/contracts').send({ contract: CONTRACT })).body.code).toBe('CSRF_REQUIRED');
    expect((await pc.put('/api/contracts/1').send({ contract: { payr: 'x' } })).body.code).toBe('CSRF_REQUIRED');
    expect((await request(sys.mobile.url).get('/api/home')).status).toBe(401);
  });

  it('answers 404 for an unknown contract and saga', async () => {
    expect((await pc.get('/api/contracts/99999999').expect(404)).body.code).toBe('NOT_FOUND');
    expect((await pc.put('/api/contracts/99999999').set('X-CSRF', '1').send({ contract: { payr: 'x' } }).expect(404)).body.code).toBe('NOT_FOUND');
    await pc.get('/api/sagas/no-such-saga-1').expect(404);
  });

  it('lists a page with the three services\' rows (from the contract view), and the mobile home comes in one call', async () => {
    await register(pc, { contract: { ...CONTRACT, contr: 'List Person' } }).expect(201);
    await register(pc, { contract: { ...CONTRACT, contr: 'List Person' } }).expect(201);
    const list = await listed(pc, '/api/contracts?size=5&q=List%20Person', 2);
    expect(list.body.total).toBe(2);
    for (const item of list.body.items) {
      expect(item.ppon.contr).toBe('List Person');
      expect(item.inetaplca.saPponContNo).toBe(item.ppon.saPponContNo);
      expect(item.intelnet.saPponContNo).toBe(item.ppon.saPponContNo);
    }
    const home = await mobile.get('/api/home').expect(200);
    expect(home.body.user).toEqual({ sub: 'demo', name: 'Demo User' });
    expect(home.body.menu.map((m: { id: string }) => m.id)).toContain('home');
    expect(home.body.recent.items.length).toBeGreaterThan(0);
    expect(Object.keys(home.body.recent.items[0]).sort()).toEqual(['contractor', 'no', 'partial', 'serviceNumber', 'status']);
  });

  it('returns the first answer again for a retried Idempotency-Key and never starts a second saga', async () => {
    const key = `idem-${Date.now()}`;
    const body = { contract: { ...CONTRACT, contr: `Idem ${key}` } };
    const first = await register(pc, body).set('Idempotency-Key', key).expect(201);
    const again = await register(pc, body).set('Idempotency-Key', key).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await listed(pc, `/api/contracts?q=${encodeURIComponent(`Idem ${key}`)}`, 1)).body.total).toBe(1);
    const other = await register(pc, { contract: { ...CONTRACT, contr: 'Someone else' } }).set('Idempotency-Key', key);
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // another user's identical key is theirs alone
    const kim = await sys.login(sys.pc, { username: 'kim', password: 'kim1234' });
    await register(kim, body).set('Idempotency-Key', key).expect(201);
  });

  it('streams a saga as server-sent events until its terminal state', async () => {
    const created = await register(pc).expect(201);
    const res = await pc.get(`/api/sagas/${created.body.globalNo}/events`).buffer(true).parse((r, done) => {
      let text = '';
      r.on('data', (c: Buffer) => (text += c.toString()));
      r.on('end', () => done(null, text));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    const events = [...String(res.body).matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe('step');
    expect(events).toContain('state');
    expect(events[events.length - 1]).toBe('end');
    expect(String(res.body)).toMatch(/"state":"END"/);
  });

  it('describes each app in OpenAPI 3.1 from the schemas that validate the requests', async () => {
    const pcDoc = (await pc.get('/api/openapi.json').expect(200)).body;
    const mobileDoc = (await mobile.get('/api/openapi.json').expect(200)).body;
    expect(pcDoc.openapi).toBe('3.1.0');
    const register = pcDoc.paths['/api/contracts'].post.requestBody.content['application/json'].schema;
    expect(register.properties.contract.required).toEqual(['contr']);
    expect(register.properties.contract.properties.contr.maxLength).toBe(200);
    expect(register.properties.mode.enum).toEqual(['api', 'event']);
    expect(register.additionalProperties).toBe(false);
    expect(mobileDoc.paths['/api/home']).toBeDefined();
    expect(pcDoc.paths['/api/home']).toBeUndefined();
    const page = await pc.get('/api/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('/api/contracts/{pponContNo}');
  });

  it('refuses the compensation drill where drills are off, and starts nothing', async () => {
    const sys2 = await startBffSystem({ sharedSso: sys.sso, pc: { ...upstreamEnv(), DRILLS_ALLOWED: 'false' } });
    try {
      const agent = await sys2.login(sys2.pc);
      const before = (await agent.get('/api/contracts?size=1').expect(200)).body.total;
      for (const mode of ['api', 'event']) {
        const res = await agent.post('/api/contracts').set('X-CSRF', '1').send({ contract: CONTRACT, mode, drill: 'compensate' });
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('DRILL_NOT_ALLOWED');
      }
      expect((await agent.get('/api/contracts?size=1').expect(200)).body.total).toBe(before);
    } finally {
      await sys2.close();
    }
  });

  describe('when a service fails', () => {
    it('answers 200 partial with per-part codes when MS3 is down, and 502 when MS1 is down', async () => {
      const no = (await register(pc).expect(201)).body.saPponContNo;
      const down = await closedPortUrl();
      const sys2 = await startBffSystem({ sharedSso: sys.sso, pc: { ...upstreamEnv(), INTELNET_URL: down, COMPOSE_CACHE_SECONDS: '0' }, mobile: { ...upstreamEnv(), PPON_URL: down, CONTRACT_VIEW_URL: down } });
      try {
        const agent = await sys2.login(sys2.pc);
        const res = await agent.get(`/api/contracts/${no}`).expect(200);
        expect(res.headers['x-bff-completed']).toBe('false');
        expect(res.body).toMatchObject({ partial: true, errors: { intelnet: 'UPSTREAM_UNAVAILABLE' }, intelnet: null });
        expect(res.body.inetaplca.saPponContNo).toBe(no);
        const m = await sys2.login(sys2.mobile);
        const failed = await m.get(`/api/contracts/${no}`).expect(502);
        expect(failed.body.code).toBe('UPSTREAM_UNAVAILABLE');
        const saga = await m.post('/api/contracts').set('X-CSRF', '1').send({ contract: CONTRACT });
        expect([502, 503]).toContain(saga.status);
        // The contract view down: lists fail with a problem, home still answers, its recent list marked partial.
        expect((await m.get('/api/contracts').expect(502)).body.code).toBe('UPSTREAM_UNAVAILABLE');
        const home = await m.get('/api/home').expect(200);
        expect(home.body.recent).toEqual({ total: 0, partial: true, items: [] });
        expect(home.headers['x-bff-completed']).toBe('false');
      } finally {
        await sys2.close();
      }
    });

    it('opens the circuit to a failing service and answers at once until it may be tried again', async () => {
      const no = (await register(pc).expect(201)).body.saPponContNo;
      const slow = await startDelayProxy(services.inetaplca.url, 1000);
      const sys2 = await startBffSystem({ sharedSso: sys.sso, pc: { ...upstreamEnv(), INETAPLCA_URL: slow.url, UPSTREAM_TIMEOUT_MS: '100', BREAKER_THRESHOLD: '2', BREAKER_HALF_OPEN_MS: '60000', COMPOSE_CACHE_SECONDS: '0' } });
      try {
        const agent = await sys2.login(sys2.pc);
        for (let i = 0; i < 2; i++) expect((await agent.get(`/api/contracts/${no}`)).body.errors.inetaplca).toBe('UPSTREAM_TIMEOUT');
        const [started, tried] = [Date.now(), slow.requests()];
        const open = await agent.get(`/api/contracts/${no}`).expect(200);
        expect(open.body.errors.inetaplca).toBe('CIRCUIT_OPEN');
        // "At once": the open circuit never called MS2 (nothing reached its hop), so it did not wait
        // for it — the time limit only says "not hung" (a loaded 2-core machine is slow, not wrong).
        expect(slow.requests()).toBe(tried);
        expect(Date.now() - started).toBeLessThan(1000);
        expect(open.body.intelnet.saPponContNo).toBe(no);
      } finally {
        await sys2.close();
        await slow.close();
      }
    });

    it('keeps to its time budget when MS3 is slow: what arrived, marked partial', async () => {
      const no = (await register(pc).expect(201)).body.saPponContNo;
      const slow = await startDelayProxy(services.intelnet.url, 2000);
      const sys2 = await startBffSystem({ sharedSso: sys.sso, pc: { ...upstreamEnv(), INTELNET_URL: slow.url, COMPOSE_BUDGET_MS: '400', COMPOSE_CACHE_SECONDS: '0' } });
      try {
        const agent = await sys2.login(sys2.pc);
        const started = Date.now();
        const res = await agent.get(`/api/contracts/${no}`).expect(200);
        expect(Date.now() - started).toBeLessThan(1500);
        expect(res.body).toMatchObject({ partial: true, errors: { intelnet: 'UPSTREAM_TIMEOUT' } });
        expect(res.body.ppon.saPponContNo).toBe(no);
      } finally {
        await sys2.close();
        await slow.close();
      }
    });
  });
});
