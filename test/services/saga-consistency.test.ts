import request from 'supertest';
import { auth, BUS_AND_DB, DB_KINDS, dropTestData } from './support/service-harness';
import { startServiceProcesses, type ProcessSet } from './support/process-harness';
import { modify, newGlobalNo, ORIGINAL, pubsub, register } from './support/saga-client';
import { agreement, agreementAtRest, settled, sleep, waitFor } from './support/consistency-expect';

/**
 * The five problems of docs/sagas.md#terminal-means-consistent, through the three services as real child processes: a participant
 * frozen with SIGSTOP longer than MS1 waits, MS1 killed with SIGKILL mid-saga. After the faults
 * end and the sagas settle, the three databases must agree and every saga must be END or CANCEL.
 */
jest.setTimeout(180_000);
afterAll(dropTestData);

// A frozen participant outlasts any timeout (it is thawed only after MS1 gave up); a healthy one
// on a loaded 2-core machine must not, so the timeouts are generous rather than tight. A
// compensation that failed meanwhile is retried within 2 s (its backoff capped), so a saga settles
// within the tests' waits however many attempts the load cost it (uncapped, 50 ms doubled: 25 s).
const SETTINGS = { PARTICIPANT_TIMEOUT_MS: '2500', SAGA_DEADLINE_MS: '5000', COMPENSATION_RETRIES: '2', COMPENSATION_BACKOFF_MS: '50', COMPENSATION_BACKOFF_MAX_MS: '2000', SAGA_SWEEP_MS: '200' };
const TERMINAL = ['END', 'CANCEL'];

describe.each(DB_KINDS)('API mode, real processes, %s', (kind) => {
  let s: ProcessSet;
  beforeAll(async () => {
    s = await startServiceProcesses(kind, { tag: 'api-procs', ownDatabases: true, all: SETTINGS });
  });
  afterAll(() => s?.close());

  test('problem 2: MS2 hung past the timeout commits late; the saga keeps compensating until MS2 agrees', async () => {
    s.freeze('inetaplca');
    const regNo = newGlobalNo('p2-reg');
    let res;
    try {
      res = await register(s.ppon, { ...ORIGINAL, contr: 'P2 register' }, regNo);
    } finally {
      s.thaw('inetaplca');
    }
    const saPponContNo = res.body.saPponContNo as number;
    expect(saPponContNo).toEqual(expect.any(Number));
    const saga = await settled(s.ppon, regNo);
    // MS2 works through what it received while frozen: checked once all is done, and again a moment later.
    expect(await agreementAtRest(s.db, saPponContNo)).toEqual([[], []]);
    expect(TERMINAL).toContain(saga.state);

    // The same with a modification: MS2 must not keep the new values where MS1 restored the old.
    const base = (await register(s.ppon, { ...ORIGINAL, contr: 'P2 modify' }).expect(201)).body;
    s.freeze('inetaplca');
    const amdNo = newGlobalNo('p2-amd');
    try {
      await modify(s.ppon, { saPponContNo: base.saPponContNo, payr: 'P2 new payer', amdrId: 'op-2' }, amdNo);
    } finally {
      s.thaw('inetaplca');
    }
    const amd = await settled(s.ppon, amdNo);
    expect(await agreementAtRest(s.db, base.saPponContNo)).toEqual([[], []]);
    expect(TERMINAL).toContain(amd.state);
  });

  test('problem 3: MS3 hung past the timeout is compensated too (register and modify)', async () => {
    s.freeze('intelnet');
    const regNo = newGlobalNo('p3-reg');
    let res;
    try {
      res = await register(s.ppon, { ...ORIGINAL, contr: 'P3 register' }, regNo);
    } finally {
      s.thaw('intelnet');
    }
    const saga = await settled(s.ppon, regNo);
    expect(await agreementAtRest(s.db, res.body.saPponContNo)).toEqual([[], []]);
    expect(TERMINAL).toContain(saga.state);

    const base = (await register(s.ppon, { ...ORIGINAL, contr: 'P3 modify' }).expect(201)).body;
    s.freeze('intelnet');
    const amdNo = newGlobalNo('p3-amd');
    try {
      await modify(s.ppon, { saPponContNo: base.saPponContNo, rack: 'P3 stale rack', amdrId: 'op-3' }, amdNo);
    } finally {
      s.thaw('intelnet');
    }
    await settled(s.ppon, amdNo);
    expect(await agreementAtRest(s.db, base.saPponContNo)).toEqual([[], []]);
    // A later successful modify must not carry MS3's stale field forward.
    const next = newGlobalNo('p3-next');
    await modify(s.ppon, { saPponContNo: base.saPponContNo, payr: 'P3 later payer', amdrId: 'op-3' }, next).expect(200);
    expect(await agreement(s.db, base.saPponContNo)).toEqual([]);
  });

  test('problem 4: MS1 killed mid-saga; after its restart the saga leaves START and the contract its lock', async () => {
    s.freeze('intelnet');
    const globalNo = newGlobalNo('p4');
    const pending = register(s.ppon, { ...ORIGINAL, contr: 'P4 register' }, globalNo).then(
      () => undefined,
      () => undefined,
    );
    // MS2 has committed; MS1 is waiting for MS3.
    const ms2 = await waitFor('MS2 to register', async () => (await s.db('inetaplca').selectFrom('SA_INETAPLCA_CONT').selectAll().where('TRANSAC_NO', '=', globalNo).execute())[0], 10_000, 20);
    await s.kill('ppon');
    await pending;
    s.thaw('intelnet');
    await s.restart('ppon');
    const saga = await settled(s.ppon, globalNo, 30_000);
    expect(TERMINAL).toContain(saga.state);
    expect(await agreementAtRest(s.db, ms2.SA_PPON_CONT_NO as number)).toEqual([[], []]);
  });

  test('problem 5: a retried modify with the same x-global-no gets 409 CONFLICT, not SAGA_IN_PROGRESS', async () => {
    const base = (await register(s.ppon, { ...ORIGINAL, contr: 'P5' }).expect(201)).body;
    s.freeze('intelnet');
    const globalNo = newGlobalNo('p5');
    const first = modify(s.ppon, { saPponContNo: base.saPponContNo, payr: 'P5 payer' }, globalNo).then((r) => r);
    try {
      await waitFor('the first modify to start', async () => (await s.db('ppon').selectFrom('SA_SAGA').select('STATE').where('GLOBAL_NO', '=', globalNo).executeTakeFirst()) !== undefined, 10_000, 20);
      const retried = await modify(s.ppon, { saPponContNo: base.saPponContNo, payr: 'P5 payer' }, globalNo);
      expect(retried.body).toMatchObject({ status: 409, code: 'CONFLICT' });
      // Another saga on the same contract is the lock's business.
      const other = await modify(s.ppon, { saPponContNo: base.saPponContNo, payr: 'P5 other' });
      expect(other.body).toMatchObject({ status: 409, code: 'SAGA_IN_PROGRESS' });
    } finally {
      s.thaw('intelnet');
    }
    await first;
    await settled(s.ppon, globalNo);
  });

  test('operators: a compensation that cannot complete is listed, counted, keeps the contract locked, and can be retried now', async () => {
    // A long backoff, so that only the operator's retry moves it on within this test.
    await s.restart('ppon', { COMPENSATION_BACKOFF_MS: '60000', COMPENSATION_BACKOFF_MAX_MS: '60000', COMPENSATION_RETRIES: '0' });
    s.freeze('inetaplca');
    const globalNo = newGlobalNo('ops');
    let saPponContNo: number;
    try {
      const res = await register(s.ppon, { ...ORIGINAL, contr: 'Ops' }, globalNo);
      expect(res.body).toMatchObject({ status: 502, code: 'SAGA_COMPENSATION_FAILED', state: 'COMPENSATING', globalNo });
      saPponContNo = res.body.saPponContNo;
      const listed = (await request(s.ppon.url).get('/sagas?state=COMPENSATING').set(auth()).expect(200)).body.items as Record<string, unknown>[];
      expect(listed.find((i) => i.globalNo === globalNo)).toMatchObject({ mode: 'api', kind: 'reg', attempts: 1, undo: 'inetaplca,ppon', nextTryAt: expect.any(String), deadlineAt: expect.any(String) });
      expect((await modify(s.ppon, { saPponContNo, payr: 'Locked' })).body).toMatchObject({ status: 409, code: 'SAGA_IN_PROGRESS' });
      expect((await request(s.ppon.url).get('/metrics/saga').set(auth()).expect(200)).text).toMatch(/saga_compensating\{[^}]*mode="api"[^}]*\} [1-9]/);
      expect((await request(s.ppon.url).get('/sagas?state=BOGUS').set(auth())).body).toMatchObject({ status: 400 });
    } finally {
      s.thaw('inetaplca');
    }
    await sleep(1500);
    expect((await request(s.ppon.url).get(`/sagas/${globalNo}`).set(auth())).body.state).toBe('COMPENSATING');
    const retried = await request(s.ppon.url).post(`/sagas/${globalNo}/retry`).set(auth()).expect(200);
    expect(retried.body).toMatchObject({ globalNo, state: 'CANCEL' });
    expect((await request(s.ppon.url).post(`/sagas/${globalNo}/retry`).set(auth())).body).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(await agreement(s.db, saPponContNo)).toEqual([]);
  });
});

describe.each(BUS_AND_DB)('broker mode (%s), real processes, %s', (bus, kind) => {
  let s: ProcessSet;
  beforeAll(async () => {
    s = await startServiceProcesses(kind, { tag: `bus-procs-${bus}`, ownDatabases: true, all: { ...SETTINGS, EVENT_BUS: bus } });
  });
  afterAll(() => s?.close());
  const onBus = () => ({ kind: bus, prefix: s.env().PPON_EVENT_TOPIC_PREFIX });

  test('problem 1: MS2 frozen past the deadline, a second modify of the contract, MS2 back: the three agree', async () => {
    const reg = newGlobalNo('p1-reg');
    const { saPponContNo } = (await pubsub(s.ppon, 'regPubsub', { ...ORIGINAL, contr: 'P1' }, reg).expect(202)).body;
    expect((await settled(s.ppon, reg)).state).toBe('END');

    s.freeze('inetaplca');
    const a = newGlobalNo('p1-a');
    let b: string | undefined;
    try {
      await pubsub(s.ppon, 'amdPubsub', { saPponContNo, payr: 'P1 payer A', amdrId: 'op-a' }, a).expect(202);
      // MS1 gives up waiting (old code: ends the saga; new: COMPENSATING, contract still locked).
      await waitFor('saga A to leave START', async () => (await request(s.ppon.url).get(`/sagas/${a}`).set(auth())).body.state !== 'START', 30_000);
      const second = await pubsub(s.ppon, 'amdPubsub', { saPponContNo, svcNo: '02-100-2002', amdrId: 'op-b' }, newGlobalNo('p1-b'));
      if (second.status === 202) b = second.body.globalNo as string;
      else expect(second.body).toMatchObject({ status: 409, code: 'SAGA_IN_PROGRESS' });
    } finally {
      s.thaw('inetaplca');
    }
    const sagaA = await settled(s.ppon, a);
    if (b) await settled(s.ppon, b);
    expect(await agreementAtRest(s.db, saPponContNo, onBus())).toEqual([[], []]);
    expect(TERMINAL).toContain(sagaA.state);

    // The next modification ends END and the three still agree.
    const c = newGlobalNo('p1-c');
    await pubsub(s.ppon, 'amdPubsub', { saPponContNo, cardNo: '4000056655665556', amdrId: 'op-c' }, c).expect(202);
    expect((await settled(s.ppon, c)).state).toBe('END');
    expect(await agreement(s.db, saPponContNo)).toEqual([]);
  });

  test('problem 3: MS3 frozen past the deadline applies late; it is compensated and the three agree', async () => {
    s.freeze('intelnet');
    const reg = newGlobalNo('p3b-reg');
    let saPponContNo: number;
    try {
      saPponContNo = (await pubsub(s.ppon, 'regPubsub', { ...ORIGINAL, contr: 'P3 broker' }, reg).expect(202)).body.saPponContNo;
      await waitFor('the register saga to leave START', async () => (await request(s.ppon.url).get(`/sagas/${reg}`).set(auth())).body.state !== 'START', 30_000);
    } finally {
      s.thaw('intelnet');
    }
    const saga = await settled(s.ppon, reg);
    expect(await agreementAtRest(s.db, saPponContNo, onBus())).toEqual([[], []]);
    expect(TERMINAL).toContain(saga.state);
  });
});
