import { api, BUS_AND_DB, dropTestData, readTopic, rowsWhere, startTestService, startThreeServices, type DbKind, type ThreeServices } from './support/service-harness';
import { contractOf, historyOf, newGlobalNo, ORIGINAL, pubsub, register, settledSaga, stepLines } from './support/saga-client';

afterAll(dropTestData);

const REG_OK = ['ppon register Y', 'inetaplca register Y', 'ppon store-inetaplca-no Y', 'intelnet register Y', 'ppon store-intelnet-no Y'];
const REG_COMP = ['ppon register Y', 'inetaplca register Y', 'ppon store-inetaplca-no Y', 'intelnet register N', 'inetaplca register-compensation Y', 'ppon register-cancel Y'];
const AMD_OK = ['ppon modify Y', 'inetaplca modify Y', 'intelnet modify Y'];
const AMD_COMP = ['ppon modify Y', 'inetaplca modify Y', 'intelnet modify N', 'inetaplca modify-compensation Y', 'ppon modify-compensation Y'];

/** The four scenarios of the source design (docs/source-design.md#saga-broker-mode), asserting every row in the three databases; shared by the plain and the duplicate-delivery runs. */
function fourScenarios(kind: DbKind, services: () => ThreeServices) {
  test('register: 202 at once, then END with three live rows and cross numbers', async () => {
    const s = services();
    const globalNo = newGlobalNo('ps-reg');
    const res = await pubsub(s.ppon, 'regPubsub', ORIGINAL, globalNo);
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(`/sagas/${globalNo}`);
    expect(res.body).toMatchObject({ globalNo, state: 'START', saPponContNo: expect.any(Number) });
    const saga = await settledSaga(s.ppon, globalNo);
    expect(saga).toMatchObject({ globalNo, kind: 'reg', mode: 'event', state: 'END', message: null });
    expect(stepLines(saga)).toEqual(REG_OK);

    const ms1 = await contractOf(s.ppon, res.body.saPponContNo);
    expect(ms1).toMatchObject({ ...ORIGINAL, delYn: 'N', transacNo: globalNo, transacSttus: 'END', saInetaplcaContNo: expect.any(Number), saIntelnetContNo: expect.any(Number) });
    expect(await contractOf(s.inetaplca, ms1.saInetaplcaContNo as number)).toMatchObject({ ...ORIGINAL, saPponContNo: ms1.saPponContNo, delYn: 'N', transacNo: globalNo, transacSttus: 'END' });
    expect(await contractOf(s.intelnet, ms1.saIntelnetContNo as number)).toMatchObject({ ...ORIGINAL, saPponContNo: ms1.saPponContNo, delYn: 'N', transacNo: globalNo, transacSttus: 'END' });
    expect(await rowsWhere(s.db('inetaplca'), 'SA_INETAPLCA_CONT', 'TRANSAC_NO', globalNo)).toHaveLength(1);
    expect(await rowsWhere(s.db('intelnet'), 'SA_INTELNET_CONT', 'TRANSAC_NO', globalNo)).toHaveLength(1);
  });

  test('register drill (regPubsubCompensate): MS3 answers N, MS2 and MS1 rows DEL_YN=Y CANCEL, no MS3 row', async () => {
    const s = services();
    const globalNo = newGlobalNo('ps-regc');
    const res = await pubsub(s.ppon, 'regPubsubCompensate', ORIGINAL, globalNo).expect(202);
    const saga = await settledSaga(s.ppon, globalNo);
    expect(saga).toMatchObject({ state: 'CANCEL', mode: 'event', message: expect.stringContaining('intelnet register failed (N)') });
    expect(stepLines(saga)).toEqual(REG_COMP);
    const ms1 = await contractOf(s.ppon, res.body.saPponContNo);
    expect(ms1).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL', transacNo: globalNo, saIntelnetContNo: null });
    expect(await contractOf(s.inetaplca, ms1.saInetaplcaContNo as number)).toMatchObject({ saPponContNo: ms1.saPponContNo, delYn: 'Y', transacSttus: 'CANCEL', transacNo: globalNo });
    expect(await rowsWhere(s.db('intelnet'), 'SA_INTELNET_CONT', 'TRANSAC_NO', globalNo)).toEqual([]);
  });

  test('modify: history rows first, PREV_…_HST_NO names them, three rows END with the change', async () => {
    const s = services();
    const reg = (await register(s.ppon).expect(201)).body;
    const globalNo = newGlobalNo('ps-amd');
    // the amender is the caller (its token), not what the body claims
    const change = { payr: 'Lee Jiwon', cardNo: '5555222222222224', amdrId: 'ops', amdrNm: 'Ops Desk' };
    await pubsub(s.ppon, 'amdPubsub', { saPponContNo: reg.saPponContNo, ...change }, globalNo).expect(202);
    const saga = await settledSaga(s.ppon, globalNo);
    expect(saga).toMatchObject({ state: 'END', kind: 'amd', mode: 'event' });
    expect(stepLines(saga)).toEqual(AMD_OK);
    for (const [service, no, hst, prev] of [
      [s.ppon, reg.saPponContNo, 'saPponContHstNo', 'prevSaPponContHstNo'],
      [s.inetaplca, reg.saInetaplcaContNo, 'saInetaplcaContHstNo', 'prevSaInetaplcaContHstNo'],
      [s.intelnet, reg.saIntelnetContNo, 'saIntelnetContHstNo', 'prevSaIntelnetContHstNo'],
    ] as const) {
      const history = await historyOf(service, no);
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ ...ORIGINAL, transacNo: reg.globalNo, transacSttus: 'END' });
      expect(await contractOf(service, no)).toMatchObject({ ...ORIGINAL, ...change, delYn: 'N', transacNo: globalNo, transacSttus: 'END', [prev]: history[0][hst] });
    }
  });

  test('modify drill (amdPubsubCompensate): MS2 and MS1 restored from history as CANCEL, MS3 untouched', async () => {
    const s = services();
    const reg = (await register(s.ppon).expect(201)).body;
    const globalNo = newGlobalNo('ps-amdc');
    await pubsub(s.ppon, 'amdPubsubCompensate', { saPponContNo: reg.saPponContNo, payr: 'Never Applied', amdrId: 'op-3' }, globalNo).expect(202);
    const saga = await settledSaga(s.ppon, globalNo);
    expect(saga.state).toBe('CANCEL');
    expect(stepLines(saga)).toEqual(AMD_COMP);
    for (const [service, no, hst, prev] of [
      [s.ppon, reg.saPponContNo, 'saPponContHstNo', 'prevSaPponContHstNo'],
      [s.inetaplca, reg.saInetaplcaContNo, 'saInetaplcaContHstNo', 'prevSaInetaplcaContHstNo'],
    ] as const) {
      const history = await historyOf(service, no);
      expect(history).toHaveLength(1);
      expect(await contractOf(service, no)).toMatchObject({ ...ORIGINAL, amdrId: null, delYn: 'N', transacNo: globalNo, transacSttus: 'CANCEL', [prev]: history[0][hst] });
    }
    expect(await contractOf(s.intelnet, reg.saIntelnetContNo)).toMatchObject({ ...ORIGINAL, transacNo: reg.globalNo, transacSttus: 'END' });
    expect(await historyOf(s.intelnet, reg.saIntelnetContNo)).toEqual([]);
  });
}

describe.each(BUS_AND_DB)('broker-mode saga (%s) on %s', (bus, kind) => {
  let s: ThreeServices;
  beforeAll(async () => {
    s = await startThreeServices(kind, {}, { tag: 'plain', bus });
  });
  afterAll(() => s.close());

  fourScenarios(kind, () => s);

  test('same validation as the API mode: 400 naming the field, nothing written', async () => {
    const res = await pubsub(s.ppon, 'regPubsub', { contr: 'x'.repeat(201) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'contr', code: 'TOO_LONG' }] });
    const unknown = await pubsub(s.ppon, 'amdPubsub', { saPponContNo: 999999, payr: 'x' });
    expect(unknown.status).toBe(404);
  });

  test('drill endpoints refused with 400 DRILL_NOT_ALLOWED where drills are off', async () => {
    const ppon = await startTestService(kind, 'ppon', { DRILLS_ALLOWED: 'false', OUTBOX_RELAY: 'false', EVENT_BUS: 'memory' });
    try {
      const globalNo = newGlobalNo('nodrill');
      const res = await pubsub(ppon, 'regPubsubCompensate', ORIGINAL, globalNo);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('DRILL_NOT_ALLOWED');
      await api(ppon.url).get(`/sagas/${globalNo}`).expect(404);
    } finally {
      await ppon.close();
    }
  });

  test("a broker saga's row keeps the request's fields only while it runs: GET /sagas never shows them, and once it ended MS1's saga row holds no contract field", async () => {
    // MS2 away: the saga waits for its reply.
    await s.stop('inetaplca');
    const globalNo = newGlobalNo('ps-fields');
    try {
      await pubsub(s.ppon, 'regPubsub', ORIGINAL, globalNo).expect(202);
      const running = await api(s.ppon.url).get(`/sagas/${globalNo}`).expect(200);
      expect(running.body.state).toBe('START');
      expect(JSON.stringify(running.body)).not.toContain(ORIGINAL.cardNo);
      expect(JSON.stringify(running.body)).not.toContain(ORIGINAL.svcNo);
    } finally {
      await s.start('inetaplca');
    }
    expect((await settledSaga(s.ppon, globalNo)).state).toBe('END');
    const ended = await api(s.ppon.url).get(`/sagas/${globalNo}`).expect(200);
    expect(JSON.stringify(ended.body)).not.toContain(ORIGINAL.cardNo);
    const [row] = await rowsWhere(s.db('ppon'), 'SA_SAGA', 'GLOBAL_NO', globalNo);
    expect(JSON.stringify(row)).not.toContain(ORIGINAL.cardNo);
    expect(JSON.stringify(row)).not.toContain(ORIGINAL.contr);
  });

  test('GET /sagas/dead-letters is its own route (not a saga named "dead-letters")', async () => {
    const res = await api(s.ppon.url).get('/sagas/dead-letters').expect(200);
    expect(res.body).toEqual({ items: expect.any(Array) });
  });
});

describe.each(BUS_AND_DB)('every message delivered twice (%s) on %s', (bus, kind) => {
  let s: ThreeServices;
  beforeAll(async () => {
    // Each relay publishes every outbox event twice: requests, replies and compensations.
    s = await startThreeServices(kind, {}, { tag: 'twice', bus, all: { FAULT_DUPLICATE_RATE: '1' } });
  });
  afterAll(() => s.close());

  fourScenarios(kind, () => s);

  test('the duplicates were really delivered: every topic holds each event twice', async () => {
    const globalNo = newGlobalNo('twice');
    await pubsub(s.ppon, 'regPubsub', ORIGINAL, globalNo).expect(202);
    await settledSaga(s.ppon, globalNo);
    const sent = await s.db('inetaplca').selectFrom('SA_PROCESSED_MSG').selectAll().where('GLOBAL_NO', '=', globalNo).execute();
    expect(sent.map((r: Record<string, unknown>) => r.EVENT_NAME)).toEqual(['inetaplcaContCreate']);
    // Read as a foreign reader of the bus would: the Redis stream, or every partition of the Kafka topic.
    const records = await readTopic(bus, `${s.ppon.deps.config.eventTopicPrefix}inetaplcaContCreate`);
    expect(records.filter((r) => r.value.includes(`"${globalNo}"`))).toHaveLength(2);
  });
});
