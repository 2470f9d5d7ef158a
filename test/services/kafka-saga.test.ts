import { dropTestData, rowsWhere, startThreeServices, type ThreeServices } from './support/service-harness';
import { contractOf, newGlobalNo, ORIGINAL, pubsub, settledSaga, stepLines } from './support/saga-client';

// The three real services on a real Kafka broker (127.0.0.1:9092, started by the jest global
// setup): the broker-mode saga's two outcomes end to end.
afterAll(dropTestData);

describe('broker-mode saga on Kafka (three services, sqlite)', () => {
  let s: ThreeServices;
  beforeAll(async () => {
    s = await startThreeServices('sqlite', {}, { bus: 'kafka', tag: 'kafka' });
  }, 60_000);
  afterAll(() => s?.close());

  test('the services run on Kafka', () => {
    expect(s.ppon.deps.events.bus.kind).toBe('kafka');
    expect(s.inetaplca.deps.events.bus.kind).toBe('kafka');
    expect(s.intelnet.deps.events.bus.kind).toBe('kafka');
  });

  test('register: 202, then END with three live rows and the cross numbers', async () => {
    const globalNo = newGlobalNo('kf-reg');
    const res = await pubsub(s.ppon, 'regPubsub', ORIGINAL, globalNo).expect(202);
    const saga = await settledSaga(s.ppon, globalNo, 20_000);
    expect(saga).toMatchObject({ state: 'END', mode: 'event' });
    expect(stepLines(saga)).toEqual(['ppon register Y', 'inetaplca register Y', 'ppon store-inetaplca-no Y', 'intelnet register Y', 'ppon store-intelnet-no Y']);
    const ms1 = await contractOf(s.ppon, res.body.saPponContNo);
    expect(ms1).toMatchObject({ ...ORIGINAL, delYn: 'N', transacSttus: 'END', saInetaplcaContNo: expect.any(Number), saIntelnetContNo: expect.any(Number) });
    expect(await contractOf(s.inetaplca, ms1.saInetaplcaContNo as number)).toMatchObject({ saPponContNo: ms1.saPponContNo, delYn: 'N', transacSttus: 'END' });
    expect(await contractOf(s.intelnet, ms1.saIntelnetContNo as number)).toMatchObject({ saPponContNo: ms1.saPponContNo, delYn: 'N', transacSttus: 'END' });
    expect(await rowsWhere(s.db('inetaplca'), 'SA_INETAPLCA_CONT', 'TRANSAC_NO', globalNo)).toHaveLength(1);
  });

  test('register drill: MS3 answers N, MS2 compensated, the saga ends CANCEL and no MS3 row exists', async () => {
    const globalNo = newGlobalNo('kf-regc');
    const res = await pubsub(s.ppon, 'regPubsubCompensate', ORIGINAL, globalNo).expect(202);
    const saga = await settledSaga(s.ppon, globalNo, 20_000);
    expect(saga).toMatchObject({ state: 'CANCEL', message: expect.stringContaining('intelnet register failed (N)') });
    expect(stepLines(saga)).toEqual(['ppon register Y', 'inetaplca register Y', 'ppon store-inetaplca-no Y', 'intelnet register N', 'inetaplca register-compensation Y', 'ppon register-cancel Y']);
    const ms1 = await contractOf(s.ppon, res.body.saPponContNo);
    expect(ms1).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL', saIntelnetContNo: null });
    expect(await contractOf(s.inetaplca, ms1.saInetaplcaContNo as number)).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL' });
    expect(await rowsWhere(s.db('intelnet'), 'SA_INTELNET_CONT', 'TRANSAC_NO', globalNo)).toEqual([]);
  });
});
