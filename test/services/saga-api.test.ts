import { api, closedPortUrl, DB_KINDS, dropTestData, rowsWhere, startTestService, startThreeServices, type ThreeServices } from './support/service-harness';
import { contractOf, historyOf, modify, newGlobalNo, ORIGINAL, register, sagaOf, stepLines } from './support/saga-client';
import { startTestProxy } from './support/test-proxy';
import { validContract } from '../support/valid-contract';

afterAll(dropTestData);

describe.each(DB_KINDS)('API-mode saga on %s', (kind) => {
  let s: ThreeServices;
  beforeAll(async () => {
    s = await startThreeServices(kind);
  });
  afterAll(() => s.close());

  test('register success: three rows END, cross numbers stored, globalNo as TRANSAC_NO everywhere', async () => {
    const globalNo = newGlobalNo('reg-ok');
    const res = await register(s.ppon, ORIGINAL, globalNo);
    expect(res.status).toBe(201);
    expect(res.headers['x-global-no']).toBe(globalNo);
    expect(res.body).toMatchObject({ globalNo, state: 'END', successYn: 'Y' });
    const { saPponContNo, saInetaplcaContNo, saIntelnetContNo } = res.body;

    expect(await contractOf(s.ppon, saPponContNo)).toMatchObject({
      ...ORIGINAL, saInetaplcaContNo, saIntelnetContNo, delYn: 'N', transacNo: globalNo, transacSttus: 'END', prevSaPponContHstNo: null,
    });
    expect(await contractOf(s.inetaplca, saInetaplcaContNo)).toMatchObject({
      ...ORIGINAL, saPponContNo, delYn: 'N', transacNo: globalNo, transacSttus: 'END', prevSaInetaplcaContHstNo: null,
    });
    expect(await contractOf(s.intelnet, saIntelnetContNo)).toMatchObject({
      ...ORIGINAL, saPponContNo, delYn: 'N', transacNo: globalNo, transacSttus: 'END', prevSaIntelnetContHstNo: null,
    });
    expect(await historyOf(s.ppon, saPponContNo)).toEqual([]);
    expect(await historyOf(s.inetaplca, saInetaplcaContNo)).toEqual([]);
  });

  test('without x-global-no one is generated, echoed and carried to every participant', async () => {
    const res = await api(s.ppon.url).post('/cont/regSagaApi').send({ pponContPayload: validContract({ contr: 'No Header' }) }).expect(201);
    const globalNo = res.headers['x-global-no'];
    expect(globalNo).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.globalNo).toBe(globalNo);
    expect((await contractOf(s.inetaplca, res.body.saInetaplcaContNo)).transacNo).toBe(globalNo);
    expect((await contractOf(s.intelnet, res.body.saIntelnetContNo)).transacNo).toBe(globalNo);
  });

  test('register compensation (MS3 drill): MS2 and MS1 rows DEL_YN=Y CANCEL, no MS3 row, 409', async () => {
    const globalNo = newGlobalNo('reg-comp');
    const res = await register(s.ppon, { ...ORIGINAL, compensateYn: 'Y' }, globalNo);
    expect(res.status).toBe(409);
    expect(res.type).toBe('application/problem+json');
    expect(res.body).toMatchObject({ code: 'SAGA_CANCELLED', globalNo, state: 'CANCEL', successYn: 'N', failedStep: { participant: 'intelnet', action: 'register', outcome: 'N' } });
    const { saPponContNo } = res.body;

    const ppon = await contractOf(s.ppon, saPponContNo);
    expect(ppon).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL', transacNo: globalNo, saIntelnetContNo: null });
    expect(ppon.saInetaplcaContNo).toEqual(expect.any(Number));
    expect(await contractOf(s.inetaplca, ppon.saInetaplcaContNo as number)).toMatchObject({ saPponContNo, delYn: 'Y', transacSttus: 'CANCEL', transacNo: globalNo });
    expect(await rowsWhere(s.db('intelnet'), 'SA_INTELNET_CONT', 'SA_PPON_CONT_NO', saPponContNo)).toEqual([]);

    const saga = await sagaOf(s.ppon, globalNo);
    expect(saga).toMatchObject({ globalNo, saPponContNo, kind: 'reg', mode: 'api', state: 'CANCEL' });
    expect(stepLines(saga)).toEqual([
      'ppon register Y',
      'inetaplca register Y',
      'ppon store-inetaplca-no Y',
      'intelnet register N',
      'inetaplca register-compensation Y',
      'ppon register-cancel Y',
    ]);
    expect(saga.steps[3].error).toMatch(/drill/);
  });

  test('MS2 failing (connection refused): MS1 cancels only itself', async () => {
    const ppon = await startTestService(kind, 'ppon', { INETAPLCA_URL: await closedPortUrl(), INTELNET_URL: s.intelnet.url });
    try {
      const globalNo = newGlobalNo('ms2-down');
      const res = await register(ppon, ORIGINAL, globalNo);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ state: 'CANCEL', failedStep: { participant: 'inetaplca', outcome: 'FALLBACK', message: 'connection refused' } });
      expect(await contractOf(s.ppon, res.body.saPponContNo)).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL', saInetaplcaContNo: null, saIntelnetContNo: null });
      expect(await rowsWhere(s.db('inetaplca'), 'SA_INETAPLCA_CONT', 'TRANSAC_NO', globalNo)).toEqual([]);
      expect(await rowsWhere(s.db('intelnet'), 'SA_INTELNET_CONT', 'TRANSAC_NO', globalNo)).toEqual([]);
      expect(stepLines(await sagaOf(s.ppon, globalNo))).toEqual(['ppon register Y', 'inetaplca register FALLBACK', 'ppon register-cancel Y']);
    } finally {
      await ppon.close();
    }
  });

  test('modify success: history rows written first, PREV_…_HST_NO names them, rows END with the new values', async () => {
    const reg = (await register(s.ppon).expect(201)).body;
    const globalNo = newGlobalNo('amd-ok');
    // the amender is the caller (its token), not what the body claims
    const change = { payr: 'Lee Jiwon', cardNo: '5555222222222224', amdrId: 'ops', amdrNm: 'Ops Desk' };
    const res = await modify(s.ppon, { saPponContNo: reg.saPponContNo, ...change }, globalNo);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ globalNo, saPponContNo: reg.saPponContNo, state: 'END', successYn: 'Y' });

    const parts = [
      { service: s.ppon, no: reg.saPponContNo, hst: 'saPponContHstNo', prev: 'prevSaPponContHstNo' },
      { service: s.inetaplca, no: reg.saInetaplcaContNo, hst: 'saInetaplcaContHstNo', prev: 'prevSaInetaplcaContHstNo' },
      { service: s.intelnet, no: reg.saIntelnetContNo, hst: 'saIntelnetContHstNo', prev: 'prevSaIntelnetContHstNo' },
    ];
    for (const part of parts) {
      const history = await historyOf(part.service, part.no);
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ ...ORIGINAL, transacNo: reg.globalNo, transacSttus: 'END', delYn: 'N' });
      expect(await contractOf(part.service, part.no)).toMatchObject({
        ...ORIGINAL, ...change, delYn: 'N', transacNo: globalNo, transacSttus: 'END', [part.prev]: history[0][part.hst],
      });
    }
    expect((await contractOf(s.ppon, reg.saPponContNo)).saInetaplcaContNo).toBe(reg.saInetaplcaContNo);
  });

  test('modify compensation (MS3 drill): MS2 then MS1 restored from history as CANCEL, MS3 untouched', async () => {
    const reg = (await register(s.ppon).expect(201)).body;
    const globalNo = newGlobalNo('amd-comp');
    const res = await modify(s.ppon, { saPponContNo: reg.saPponContNo, payr: 'Should Not Stay', amdrId: 'op-3', compensateYn: 'Y' }, globalNo);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'SAGA_CANCELLED', state: 'CANCEL', failedStep: { participant: 'intelnet', action: 'modify' } });

    const pponHistory = await historyOf(s.ppon, reg.saPponContNo);
    expect(pponHistory).toHaveLength(1);
    expect(await contractOf(s.ppon, reg.saPponContNo)).toMatchObject({
      ...ORIGINAL, amdrId: null, delYn: 'N', transacNo: globalNo, transacSttus: 'CANCEL', prevSaPponContHstNo: pponHistory[0].saPponContHstNo,
      saInetaplcaContNo: reg.saInetaplcaContNo, saIntelnetContNo: reg.saIntelnetContNo,
    });
    const ms2History = await historyOf(s.inetaplca, reg.saInetaplcaContNo);
    expect(ms2History).toHaveLength(1);
    expect(await contractOf(s.inetaplca, reg.saInetaplcaContNo)).toMatchObject({
      ...ORIGINAL, amdrId: null, delYn: 'N', transacNo: globalNo, transacSttus: 'CANCEL', prevSaInetaplcaContHstNo: ms2History[0].saInetaplcaContHstNo,
    });
    expect(await contractOf(s.intelnet, reg.saIntelnetContNo)).toMatchObject({ ...ORIGINAL, transacNo: reg.globalNo, transacSttus: 'END' });
    expect(await historyOf(s.intelnet, reg.saIntelnetContNo)).toEqual([]);

    expect(stepLines(await sagaOf(s.ppon, globalNo))).toEqual([
      'ppon modify Y',
      'inetaplca modify Y',
      'intelnet modify N',
      'inetaplca modify-compensation Y',
      'ppon modify-compensation Y',
    ]);
    // A compensated contract is not stuck: the next modification goes through.
    await modify(s.ppon, { saPponContNo: reg.saPponContNo, payr: 'Next Try' }).expect(200);
    expect((await contractOf(s.inetaplca, reg.saInetaplcaContNo)).payr).toBe('Next Try');
  });

  test('saga log: top-level fields and timed steps; unknown globalNo is a 404 problem', async () => {
    const globalNo = newGlobalNo('log');
    const res = await register(s.ppon, ORIGINAL, globalNo).expect(201);
    const saga = await sagaOf(s.ppon, globalNo);
    expect(saga).toMatchObject({ globalNo, saPponContNo: res.body.saPponContNo, kind: 'reg', mode: 'api', state: 'END', message: null });
    expect(Date.parse(saga.endedAt as string)).toBeGreaterThanOrEqual(Date.parse(saga.startedAt as string));
    expect(stepLines(saga)).toEqual(['ppon register Y', 'inetaplca register Y', 'ppon store-inetaplca-no Y', 'intelnet register Y', 'ppon store-intelnet-no Y']);
    for (const step of saga.steps) expect(step).toMatchObject({ attempt: 1, error: null, durationMs: expect.any(Number) });

    const missing = await api(s.ppon.url).get('/sagas/no-such-saga-0001').expect(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });

  test('a globalNo already used starts no second saga (409) and writes nothing', async () => {
    const globalNo = newGlobalNo('dup');
    await register(s.ppon, ORIGINAL, globalNo).expect(201);
    const again = await register(s.ppon, { contr: 'Second Attempt' }, globalNo);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
    expect(await rowsWhere(s.db('ppon'), 'SA_PPON_CONT', 'TRANSAC_NO', globalNo)).toHaveLength(1);
  });

  test('a second modification while the first saga is START is refused with 409 and changes nothing', async () => {
    const slowMs3 = await startTestProxy(s.intelnet.url, { delay: { path: '/cont/amdSagaApi', ms: 700 } });
    const ppon = await startTestService(kind, 'ppon', { INETAPLCA_URL: s.inetaplca.url, INTELNET_URL: slowMs3.url, PARTICIPANT_TIMEOUT_MS: '5000' });
    try {
      const reg = (await register(ppon).expect(201)).body;
      const first = newGlobalNo('first');
      const firstCall = modify(ppon, { saPponContNo: reg.saPponContNo, payr: 'First' }, first).then((r) => r);
      await waitFor(async () => (await rowsWhere(s.db('ppon'), 'SA_PPON_CONT', 'TRANSAC_NO', first)).length === 1);

      const second = newGlobalNo('second');
      const refused = await modify(ppon, { saPponContNo: reg.saPponContNo, payr: 'Second' }, second);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('SAGA_IN_PROGRESS');
      expect((await firstCall).status).toBe(200);

      expect(await contractOf(s.ppon, reg.saPponContNo)).toMatchObject({ payr: 'First', transacNo: first, transacSttus: 'END' });
      expect(await historyOf(s.ppon, reg.saPponContNo)).toHaveLength(1);
      await api(s.ppon.url).get(`/sagas/${second}`).expect(404);
    } finally {
      await ppon.close();
      await slowMs3.close();
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
