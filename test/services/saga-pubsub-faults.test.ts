import request from 'supertest';
import { api, auth, BUS_AND_DB, dropTestData, busBacklog, publishRaw, rowsWhere, startThreeServices, type ThreeServices } from './support/service-harness';
import { contractOf, newGlobalNo, ORIGINAL, pubsub, sagaOf, settledSaga, stepLines } from './support/saga-client';

afterAll(dropTestData);

describe.each(BUS_AND_DB)('broker-mode faults (%s) on %s', (bus, kind) => {
  let s: ThreeServices | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  test("MS3's consumer stopped: MS1 compensates at the deadline, keeps the contract locked until MS3 is back, then undoes MS3's late step too", async () => {
    s = await startThreeServices(kind, { SAGA_DEADLINE_MS: '1000' }, { tag: 'deadline', bus, ownDatabases: true });
    await s.stop('intelnet');
    const globalNo = newGlobalNo('deadline');
    const res = await pubsub(s.ppon, 'regPubsub', ORIGINAL, globalNo).expect(202);
    const until = Date.now() + 10_000;
    let state = 'START';
    while (state !== 'COMPENSATING' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      state = (await request(s.ppon.url).get(`/sagas/${globalNo}`).set(auth())).body.state;
    }
    expect(state).toBe('COMPENSATING');
    // Locked meanwhile: MS1's row stays START.
    expect(await contractOf(s.ppon, res.body.saPponContNo)).toMatchObject({ delYn: 'N', transacSttus: 'START' });
    const other = await pubsub(s.ppon, 'amdPubsub', { saPponContNo: res.body.saPponContNo, payr: 'Too early' });
    expect(other.body).toMatchObject({ status: 409, code: 'SAGA_IN_PROGRESS' });

    // MS3 comes back and handles the old create and its compensation, in whichever order.
    await s.start('intelnet');
    const saga = await settledSaga(s.ppon, globalNo);
    expect(saga).toMatchObject({ state: 'CANCEL', message: expect.stringContaining('no reply within the 1000 ms deadline') });
    const lines = stepLines(saga);
    expect(lines.slice(0, 4)).toEqual(['ppon register Y', 'inetaplca register Y', 'ppon store-inetaplca-no Y', 'intelnet register FALLBACK']);
    expect(lines.slice(-3)).toEqual(['intelnet register-compensation Y', 'inetaplca register-compensation Y', 'ppon register-cancel Y']);
    const ms1 = await contractOf(s.ppon, res.body.saPponContNo);
    expect(ms1).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL', saIntelnetContNo: null });
    expect(await contractOf(s.inetaplca, ms1.saInetaplcaContNo as number)).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL', transacNo: globalNo });
    await new Promise((r) => setTimeout(r, 300));
    const ms3 = await rowsWhere(s.db('intelnet'), 'SA_INTELNET_CONT', 'TRANSAC_NO', globalNo);
    expect(ms3.filter((r) => r.DEL_YN === 'N')).toEqual([]);
  });

  test('MS2 row created after MS1 gave up is compensated by globalNo (MS1 never learnt its number)', async () => {
    s = await startThreeServices(kind, { SAGA_DEADLINE_MS: '600' }, { tag: 'late-ms2', bus, ownDatabases: true });
    await s.stop('inetaplca');
    const globalNo = newGlobalNo('late-ms2');
    const res = await pubsub(s.ppon, 'regPubsub', ORIGINAL, globalNo).expect(202);
    // MS1 times out MS2's step and sends the compensation before MS2 has even seen the create.
    await new Promise((r) => setTimeout(r, 900));
    await s.start('inetaplca');
    const saga = await settledSaga(s.ppon, globalNo);
    expect(saga.state).toBe('CANCEL');
    expect(stepLines(saga).slice(0, 2)).toEqual(['ppon register Y', 'inetaplca register FALLBACK']);
    expect(await contractOf(s.ppon, res.body.saPponContNo)).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL', saInetaplcaContNo: null });
    await new Promise((r) => setTimeout(r, 300));
    // Whatever order MS2 saw the two events in, no live MS2 row is left for this saga.
    const ms2 = await rowsWhere(s.db('inetaplca'), 'SA_INETAPLCA_CONT', 'TRANSAC_NO', globalNo);
    expect(ms2.filter((r) => r.DEL_YN === 'N')).toEqual([]);
    expect(await rowsWhere(s.db('intelnet'), 'SA_INTELNET_CONT', 'TRANSAC_NO', globalNo)).toEqual([]);
  });

  test('MS1 stopped after its commit and before publishing: restarted, the saga completes', async () => {
    s = await startThreeServices(kind, { OUTBOX_RELAY: 'false' }, { tag: 'restart', bus, ownDatabases: true });
    const globalNo = newGlobalNo('restart');
    const res = await pubsub(s.ppon, 'regPubsub', ORIGINAL, globalNo).expect(202);
    await new Promise((r) => setTimeout(r, 300));
    const unsent: Record<string, unknown>[] = await s.db('ppon').selectFrom('SA_OUTBOX').selectAll().where('SENT_AT', 'is', null).execute();
    // The saga's first request waits (beside it, the contract's change event for the view, docs/services.md#the-contract-view).
    expect(unsent.filter((r) => String(r.PAYLOAD).includes(globalNo) && !String(r.TOPIC).endsWith('ContractChanged'))).toHaveLength(1);
    expect(await rowsWhere(s.db('inetaplca'), 'SA_INETAPLCA_CONT', 'TRANSAC_NO', globalNo)).toEqual([]);
    await s.stop('ppon');
    await s.start('ppon', { OUTBOX_RELAY: 'true' });
    const saga = await settledSaga(s.ppon, globalNo);
    expect(saga.state).toBe('END');
    expect(await contractOf(s.ppon, res.body.saPponContNo)).toMatchObject({ transacSttus: 'END', saInetaplcaContNo: expect.any(Number), saIntelnetContNo: expect.any(Number) });
    expect(await rowsWhere(s.db('inetaplca'), 'SA_INETAPLCA_CONT', 'TRANSAC_NO', globalNo)).toHaveLength(1);
  });

  test("MS2's compensation failing twice, then succeeding: retried with backoff, CANCEL", async () => {
    s = await startThreeServices(kind, {}, { tag: 'comp-retry', bus, ownDatabases: true, inetaplca: { FAULT_COMPENSATION_FAILURES: '2' } });
    const globalNo = newGlobalNo('ps-comp-retry');
    const res = await pubsub(s.ppon, 'regPubsubCompensate', ORIGINAL, globalNo).expect(202);
    const saga = await settledSaga(s.ppon, globalNo);
    expect(saga.state).toBe('CANCEL');
    const attempts = saga.steps.filter((step) => step.action === 'register-compensation');
    expect(attempts.map((a) => `${a.attempt} ${a.outcome}`)).toEqual(['1 N', '2 N', '3 Y']);
    const ms1 = await contractOf(s.ppon, res.body.saPponContNo);
    expect(await contractOf(s.inetaplca, ms1.saInetaplcaContNo as number)).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL' });
  });

  test('a compensation failing for good: COMPENSATING forever (attempts growing), contract locked, listed for operators, retry now', async () => {
    s = await startThreeServices(kind, {}, { tag: 'comp-fail', bus, ownDatabases: true, inetaplca: { FAULT_COMPENSATION_FAILURES: '1000' } });
    const globalNo = newGlobalNo('ps-comp-fail');
    const res = await pubsub(s.ppon, 'regPubsubCompensate', ORIGINAL, globalNo).expect(202);
    const until = Date.now() + 15_000;
    let listed: Record<string, unknown> | undefined;
    while (Date.now() < until) {
      const items = (await request(s.ppon.url).get('/sagas?state=COMPENSATING').set(auth()).expect(200)).body.items as Record<string, unknown>[];
      listed = items.find((i) => i.globalNo === globalNo);
      if (listed && (listed.attempts as number) >= 4) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(listed).toMatchObject({ globalNo, state: 'COMPENSATING', mode: 'event', kind: 'reg', nextTryAt: expect.any(String), deadlineAt: expect.any(String), message: expect.stringContaining('intelnet register failed') });
    expect(listed?.attempts).toBeGreaterThanOrEqual(4);
    const saga = await sagaOf(s.ppon, globalNo);
    expect(stepLines(saga)).not.toContain('ppon register-cancel Y');
    // MS1 has not undone itself: the contract stays locked, MS2's row is still there to compensate.
    const ms1 = await contractOf(s.ppon, res.body.saPponContNo);
    expect(ms1).toMatchObject({ delYn: 'N', transacSttus: 'START' });
    expect(await contractOf(s.inetaplca, ms1.saInetaplcaContNo as number)).toMatchObject({ delYn: 'N', transacSttus: 'END' });
    expect((await pubsub(s.ppon, 'amdPubsub', { saPponContNo: res.body.saPponContNo, payr: 'Locked' })).body).toMatchObject({ status: 409, code: 'SAGA_IN_PROGRESS' });
    const metrics = (await request(s.ppon.url).get('/metrics/saga').set(auth()).expect(200)).text;
    expect(metrics).toMatch(/saga_compensating\{[^}]*mode="event"[^}]*\} [1-9]/);
    // An operator's retry now: a new attempt goes out at once.
    const before = listed?.attempts as number;
    const retried = await request(s.ppon.url).post(`/sagas/${globalNo}/retry`).set(auth()).expect(202);
    expect(retried.body.attempts).toBeGreaterThan(before);
    expect((await request(s.ppon.url).post('/sagas/unknown-saga-1/retry').set(auth())).body).toMatchObject({ status: 404 });
  });

  test('a message that fails every delivery goes to the dead-letter topic, GET /sagas/dead-letters lists it with card numbers masked, its metric counts it', async () => {
    s = await startThreeServices(kind, { EVENT_MAX_DELIVERIES: '3' }, { tag: 'dlq', bus, ownDatabases: true, all: { EVENT_MAX_DELIVERIES: '3' } });
    // A poison message from a foreign producer: not a request MS2 can read.
    const topic = `${s.ppon.deps.config.eventTopicPrefix}inetaplcaContCreate`;
    // It carries card numbers, at its top and in a row inside it: the list never shows them in full.
    const poison = { globalNo: 'poison-0001', eventName: 'inetaplcaContCreate', cardNo: '4111111111111111', rows: [{ CARD_NO: '5500005555555559' }] };
    const id = await publishRaw(bus, topic, '42', JSON.stringify(poison));
    const until = Date.now() + 20_000;
    let items: Record<string, unknown>[] = [];
    while (items.length === 0 && Date.now() < until) {
      // The sets of both buses share MS1's database in this file: this set's letters are its topic's.
      items = ((await api(s.ppon.url).get('/sagas/dead-letters').expect(200)).body.items as Record<string, unknown>[]).filter((i) => i.topic === topic);
      if (items.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(items).toEqual([
      { topic, id, group: 'samp.inetaplca', key: '42', message: { ...poison, cardNo: '************1111', rows: [{ CARD_NO: '************5559' }] }, error: expect.stringContaining('saPponContNo'), attempts: 3, at: expect.any(String) },
    ]);
    // What an operator's dashboard shows: one dead letter, from that topic.
    const metrics = (await request(s.ppon.url).get('/metrics/saga').set(auth()).expect(200)).text;
    const counted = metrics.split('\n').filter((line) => line.startsWith(`saga_dead_letters{topic="${topic}"`));
    expect(counted).toEqual([expect.stringMatching(/\} 1$/)]);
    // Acknowledged (Redis) / committed (Kafka): nothing of it stays pending in MS2's group.
    let left = await busBacklog(bus, { topic, group: 'samp.inetaplca' });
    while (left > 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      left = await busBacklog(bus, { topic, group: 'samp.inetaplca' });
    }
    expect(left).toBe(0);
  });
});
