import request from 'supertest';
import { dropTestData, closedPortUrl, type ThreeServices } from '../services/support/service-harness';
import { startBffSystem, startSystemWithServices, type BffSystem } from '../support/system';
import type { RunningContractView } from '../../services/contract-view/run-contract-view';
import { startDelayProxy } from '../support/delay-proxy';
import type { Agent } from '../support/login';

const CONTRACT = { contr: '홍길동', payr: '홍길동', svcNo: '02-555-0100', cardNo: '9410-1111-1111-1118', saler: 'Seoul branch' };

describe('contract screens through the BFF: composition and API-mode sagas (real services, SSO, Redis)', () => {
  let services: ThreeServices;
  let view: RunningContractView;
  let sys: BffSystem;
  let pc: Agent;
  let mobile: Agent;
  /** An operator: the only role that may run the compensation drill. */
  let ops: Agent;

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
    ops = await sys.login(sys.pc, { username: 'ops', password: 'ops1234' });
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
    const res = await register(ops, { contract: CONTRACT, drill: 'compensate' }).expect(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'SAGA_FAILED', state: 'CANCEL', saPponContNo: expect.any(Number) });
    const card = await mobile.get(`/api/contracts/${res.body.saPponContNo}`).expect(200);
    expect(card.body).toMatchObject({ status: 'deleted', contractState: 'TERMINATED', lastChange: { kind: 'REGISTER', outcome: 'ROLLED_BACK', reasonCode: 'DRILL_FAILURE', globalNo: res.body.globalNo } });
    const full = await pc.get(`/api/contracts/${res.body.saPponContNo}`).expect(200);
    expect(full.body.ppon).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL' });
    expect(full.body.inetaplca).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL' });
    // The part the rollback left unmade does not exist: absent, not "could not be read".
    expect(full.body).toMatchObject({ intelnet: null, errors: {}, absent: ['intelnet'], partial: false });
    expect(card.body.parts.intelnet).toEqual({ no: null, state: null, absent: true });
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
    expect(after.body).toMatchObject({ contractState: 'ACTIVE', lastChange: { kind: 'MODIFY', outcome: 'DONE', globalNo: changed.body.globalNo, at: after.body.ppon.amdDate } });
    expect(after.body.lastChange.reasonCode).toBeUndefined();
    expect(after.body.inetaplca.payr).toBe('김철수');
  });

  it('restores a modification whose saga was compensated (drill), and says so with 409', async () => {
    const no = (await register(pc).expect(201)).body.saPponContNo;
    const res = await ops.put(`/api/contracts/${no}`).set('X-CSRF', '1').send({ contract: { payr: 'Never applied' }, drill: 'compensate' }).expect(409);
    expect(res.body).toMatchObject({ code: 'SAGA_FAILED', state: 'CANCEL', saPponContNo: no });
    const after = await pc.get(`/api/contracts/${no}`).expect(200);
    expect(after.body.ppon).toMatchObject({ payr: '홍길동', transacSttus: 'CANCEL', delYn: 'N' });
    expect(after.body.inetaplca).toMatchObject({ payr: '홍길동', transacSttus: 'CANCEL', delYn: 'N' });
    expect(after.body.intelnet.payr).toBe('홍길동');
    // the contract is intact: its own state is active; the rolled-back change is its last change, with the reason
    const lastChange = { kind: 'MODIFY', outcome: 'ROLLED_BACK', reasonCode: 'DRILL_FAILURE', globalNo: res.body.globalNo, at: expect.any(String) };
    expect(after.body).toMatchObject({ contractState: 'ACTIVE', lastChange });
    const card = (await mobile.get(`/api/contracts/${no}`)).body;
    expect(card).toMatchObject({ status: 'active', contractState: 'ACTIVE', lastChange });
    let row: Record<string, unknown> | undefined;
    for (const started = Date.now(); Date.now() - started < 5000; await new Promise((r) => setTimeout(r, 50))) {
      row = (await pc.get(`/api/contracts?contr=${encodeURIComponent('홍길동')}&size=100`).expect(200)).body.items.find((i: { saPponContNo: number }) => i.saPponContNo === no);
      if ((row?.lastChange as { outcome?: string } | undefined)?.outcome === 'ROLLED_BACK') break;
    }
    expect(row).toMatchObject({ contractState: 'ACTIVE', lastChange: { kind: 'MODIFY', outcome: 'ROLLED_BACK', globalNo: res.body.globalNo } });
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

  it.each(['pc', 'mobile'] as const)('refuses a contract that does not make sense on %s, one entry per field with its code, and starts nothing', async (app) => {
    const agent = app === 'pc' ? pc : mobile;
    const before = (await agent.get('/api/contracts?size=1').expect(200)).body.total;
    const entries = (res: request.Response) => res.body.errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`).sort();
    const onlyContractor = await register(agent, { contract: { contr: '김철수' } }).expect(400);
    expect(onlyContractor.body.code).toBe('VALIDATION_FAILED');
    expect(entries(onlyContractor)).toEqual(['cardNo REQUIRED', 'payr REQUIRED', 'svcNo REQUIRED']);
    const nonsense = await register(agent, { contract: { ...CONTRACT, svcNo: 'abc', cardNo: 'xyz', payr: '' } }).expect(400);
    expect(entries(nonsense)).toEqual(['cardNo INVALID_CARD', 'payr REQUIRED', 'svcNo INVALID_PHONE']);
    const long = await register(agent, { contract: { ...CONTRACT, svcNo: '1'.repeat(200), cardNo: '4111111111111112', contr: '김'.repeat(101) } }).expect(400);
    expect(entries(long)).toEqual(['cardNo INVALID_CARD_CHECKSUM', 'contr TOO_LONG', 'svcNo TOO_LONG']);
    const modify = await agent.put('/api/contracts/1').set('X-CSRF', '1').send({ contract: { svcNo: '02-12', unknown: 'x' } }).expect(400);
    expect(entries(modify)).toEqual(['svcNo INVALID_PHONE', 'unknown INVALID_FORMAT']);
    expect((await agent.get('/api/contracts?size=1&from=2026-02-01&to=2026-01-01').expect(400)).body.errors).toContainEqual(expect.objectContaining({ path: 'from', code: 'INVALID_DATE_RANGE' }));
    expect((await agent.get('/api/contracts?size=1').expect(200)).body.total).toBe(before);
  });

  it('shows card numbers masked to an agent (detail, list, history, cached or not) and in full to an operator', async () => {
    const no = (await register(pc, { contract: { ...CONTRACT, contr: 'Card Person' } }).expect(201)).body.saPponContNo;
    for (let i = 0; i < 2; i++) {
      const detail = (await pc.get(`/api/contracts/${no}`).expect(200)).body;
      for (const part of ['ppon', 'inetaplca', 'intelnet']) expect(detail[part].cardNo).toBe('************1118');
    }
    const ops = await sys.login(sys.pc, { username: 'ops', password: 'ops1234' });
    const full = await ops.get(`/api/contracts/${no}`).expect(200);
    expect(full.headers['x-bff-cache']).toBe('MISS'); // never from the shared cache
    expect(full.body.ppon.cardNo).toBe('9410111111111118');
    expect((await pc.get(`/api/contracts/${no}`).expect(200)).body.ppon.cardNo).toBe('************1118'); // nor into it
    const list = await listed(pc, '/api/contracts?q=Card%20Person', 1);
    expect(list.body.items[0].ppon.cardNo).toBe('************1118');
    expect((await listed(ops, '/api/contracts?q=Card%20Person', 1)).body.items[0].ppon.cardNo).toBe('************1118'); // the read model holds them masked
    await pc.put(`/api/contracts/${no}`).set('X-CSRF', '1').send({ contract: { cardNo: '4111111111111111' } }).expect(200);
    const history = (await pc.get(`/api/contracts/${no}/history`).expect(200)).body;
    expect(history.ppon.map((h: { cardNo: string }) => h.cardNo)).toEqual(['************1118']);
    expect(history.entries).toEqual([
      { at: expect.any(String), author: { id: 'demo', name: 'Demo User' }, globalNo: expect.any(String), kind: 'MODIFY', outcome: 'DONE', changes: [{ field: 'cardNo', before: '************1118', after: '************1111' }] },
      { at: expect.any(String), author: { id: 'demo', name: 'Demo User' }, globalNo: expect.any(String), kind: 'REGISTER', outcome: 'DONE', changes: [] },
    ]);
    expect(JSON.stringify(history)).not.toContain('9410111111111118');
    // The phone's history is compact: the same entries (masked alike), without the services' rows.
    const phone = await mobile.get(`/api/contracts/${no}/history`).expect(200);
    expect(phone.headers['cache-control']).toBe('no-store');
    expect(phone.body).toEqual({ no, entries: history.entries });
  });

  it('keeps the rows per page in the profile across sign-ins, per user', async () => {
    const first = await sys.login(sys.pc, { username: 'kim', password: 'kim1234' });
    await first.patch('/api/session/profile').set('X-CSRF', '1').send({ pageSize: 50 }).expect(200);
    const { logoutUrl } = (await first.get('/bff/user').expect(200)).body;
    await first.get(logoutUrl).expect(302); // the session ends (then the SSO's own logout, not followed here)
    expect((await first.get('/api/session/profile')).status).toBe(401);
    const again = await sys.login(sys.pc, { username: 'kim', password: 'kim1234' });
    expect((await again.get('/api/session/profile').expect(200)).body.pageSize).toBe(50);
    const other = await sys.login(sys.pc, { username: 'park', password: 'park1234' });
    expect((await other.get('/api/session/profile').expect(200)).body.pageSize).toBe(20);
    await again.patch('/api/session/profile').set('X-CSRF', '1').send({ pageSize: 20 }).expect(200);
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

  it('refuses a contract number or page size not in plain decimal digits with a 400 naming it, and changes nothing', async () => {
    const no = (await register(pc).expect(201)).body.saPponContNo as number;
    const before = (await pc.get(`/api/contracts/${no}`).expect(200)).body.ppon;
    const refused = (res: request.Response, parameter: string) => {
      expect([res.status, res.type, res.body.code]).toEqual([400, 'application/problem+json', 'VALIDATION_FAILED']);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: parameter })]);
    };
    // Each spells `no` (or a number near it) some other way than its plain digits.
    for (const odd of [`0${no}`, `00${no}`, `0x${no.toString(16)}`, `%20${no}`, `${no}%20`, `+${no}`, `${no}.0`, `${no}e0`, '1e3', '0', '-1', '9007199254740993', '2147483648']) {
      refused(await pc.get(`/api/contracts/${odd}`), 'pponContNo');
      refused(await mobile.get(`/api/contracts/${odd}`), 'pponContNo');
      refused(await pc.put(`/api/contracts/${odd}`).set('X-CSRF', '1').send({ contract: { payr: 'changed' } }), 'pponContNo');
      refused(await pc.get(`/api/contracts/${odd}/documents`), 'pponContNo');
    }
    for (const odd of ['010', '0x10', '1e1', '%2010', '10.0', '+10']) {
      refused(await pc.get(`/api/contracts?size=${odd}`), 'size');
      refused(await pc.get(`/api/sagas?size=${odd}`), 'size');
    }
    expect((await pc.get(`/api/contracts/${no}`).expect(200)).body.ppon).toEqual(before);
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
    // Compact, but the state and last change the list's cards carry too (the same words on home and in the list).
    expect(Object.keys(home.body.recent.items[0]).sort()).toEqual(['contractState', 'contractor', 'lastChange', 'no', 'partial', 'serviceNumber', 'status']);
    const listedCard = (await mobile.get('/api/contracts?size=5').expect(200)).body.items[0];
    expect(home.body.recent.items[0]).toEqual(listedCard);
    expect(listedCard.lastChange).toMatchObject({ kind: 'REGISTER', outcome: 'DONE' });
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
    expect(register.properties.contract.required).toEqual(['contr', 'payr', 'svcNo', 'cardNo']);
    expect(register.properties.contract.properties.contr.maxLength).toBe(100);
    expect(register.properties.mode.enum).toEqual(['api', 'event']);
    expect(register.additionalProperties).toBe(false);
    expect(mobileDoc.paths['/api/home']).toBeDefined();
    expect(pcDoc.paths['/api/home']).toBeUndefined();
    const page = await pc.get('/api/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('/api/contracts/{pponContNo}');
  });

  it('refuses the compensation drill to anyone but an operator (403), on both apps, and starts nothing', async () => {
    const before = (await pc.get('/api/contracts?size=1').expect(200)).body.total;
    const no = (await register(pc).expect(201)).body.saPponContNo;
    const park = await sys.login(sys.pc, { username: 'park', password: 'park1234' });
    for (const agent of [pc, mobile, park]) {
      for (const mode of ['api', 'event']) {
        expect((await register(agent, { contract: CONTRACT, mode, drill: 'compensate' })).body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
        expect((await agent.put(`/api/contracts/${no}`).set('X-CSRF', '1').send({ contract: { payr: 'x' }, mode, drill: 'compensate' })).body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      }
    }
    expect((await listed(pc, '/api/contracts?size=1', before + 1)).body.total).toBe(before + 1);
    expect((await pc.get(`/api/contracts/${no}`).expect(200)).body.lastChange).toMatchObject({ kind: 'REGISTER', outcome: 'DONE' });
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
        expect((await m.get(`/api/contracts/${no}/history`).expect(502)).body.code).toBe('UPSTREAM_UNAVAILABLE');
        const saga = await m.post('/api/contracts').set('X-CSRF', '1').send({ contract: CONTRACT });
        expect([502, 503]).toContain(saga.status);
        // The contract view down: lists fail with a problem, home still answers, its recent list marked partial.
        expect((await m.get('/api/contracts').expect(502)).body.code).toBe('UPSTREAM_UNAVAILABLE');
        const home = await m.get('/api/home').expect(200);
        expect(home.body.recent).toEqual({ total: 0, partial: true, error: 'UPSTREAM_UNAVAILABLE', items: [] });
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
