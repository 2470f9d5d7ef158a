import { decodeEvent } from '../../lib/events/event-codec';
import { rowToJson } from '../../services/platform/contracts/column-case';
import { CONTRACT_CHANGED_TOPIC, contractChanged } from '../../services/platform/events/contract-change-events';
import type { ServiceName } from '../../config/service-config';
import { DB_KINDS, dropTestData, startThreeServices, type ThreeServices } from './support/service-harness';
import { modify, ORIGINAL, pubsub, register, settledSaga } from './support/saga-client';

// What the contract view is told of a contract is the row as committed: the inserts return it
// (INSERT … RETURNING) and a modify derives it from the row it read and what it wrote (its UPDATE
// applies only if the row is still at the change number read), so neither reads it again. Checked
// against the row as stored, on both engines, through the services' own sagas in both modes.
afterAll(() => dropTestData());

const KEYS: Record<ServiceName, string> = { ppon: 'SA_PPON_CONT_NO', inetaplca: 'SA_INETAPLCA_CONT_NO', intelnet: 'SA_INTELNET_CONT_NO' };

describe.each(DB_KINDS)('the change feed on %s', (kind) => {
  let s: ThreeServices;
  beforeAll(async () => {
    s = await startThreeServices(kind, {}, { tag: 'feedrows', ownDatabases: true });
  });
  afterAll(() => s?.close());

  test('every write of a contract is announced once, versions 1, 2, 3… in order, and the last announced row is the row as stored (Korean, a 4-byte character, dates)', async () => {
    const reg = await register(s.ppon, { ...ORIGINAL, contr: '김민수 😀', payr: '홍길동' }).expect(201);
    const no = Number(reg.body.saPponContNo);
    await modify(s.ppon, { saPponContNo: no, payr: '이영희 🌸', mkerNm: 'Ops 데스크' }).expect(200);
    const broker = await pubsub(s.ppon, 'amdPubsub', { saPponContNo: no, payr: '박지성 ⚽' }).expect(202);
    expect((await settledSaga(s.ppon, broker.body.globalNo as string)).state).toBe('END');

    await expectAnnounced(no, { ppon: { payr: '박지성 ⚽' }, inetaplca: { payr: '박지성 ⚽' }, intelnet: { payr: '박지성 ⚽' } });
  });

  test('a broker-mode register, then a broker modify compensated back (CANCEL): MS1 derives the rows it announces from the contract it locked with the saga, and each is the row as stored', async () => {
    const reg = await pubsub(s.ppon, 'regPubsub', { ...ORIGINAL, contr: '최유리 🍀', payr: '최유리' }).expect(202);
    const registered = await settledSaga(s.ppon, reg.body.globalNo as string);
    expect(registered.state).toBe('END');
    const no = Number(registered.saPponContNo);
    const drill = await pubsub(s.ppon, 'amdPubsubCompensate', { saPponContNo: no, payr: '되돌릴 값 🌀' }).expect(202);
    expect((await settledSaga(s.ppon, drill.body.globalNo as string)).state).toBe('CANCEL');
    // MS3 refused the modify (the drill); MS2's step and MS1's own were restored.
    const restored = { payr: '최유리', transacSttus: 'CANCEL' };
    await expectAnnounced(no, { ppon: restored, inetaplca: restored, intelnet: { payr: '최유리', transacSttus: 'END' } });
  });

  /** Each service's row of MS1's contract `no`: announced once per write, in order, the last one as stored. */
  async function expectAnnounced(no: number, last: Record<ServiceName, Record<string, unknown>>) {
    const contract = (await s.db('ppon').selectFrom('SA_PPON_CONT').selectAll().where('SA_PPON_CONT_NO', '=', no).executeTakeFirstOrThrow()) as Record<string, unknown>;
    const own: Record<ServiceName, number> = { ppon: no, inetaplca: Number(contract.SA_INETAPLCA_CONT_NO), intelnet: Number(contract.SA_INTELNET_CONT_NO) };
    for (const name of ['ppon', 'inetaplca', 'intelnet'] as ServiceName[]) {
      const table = `SA_${name.toUpperCase()}_CONT`;
      const stored = (await s.db(name).selectFrom(table).selectAll().where(KEYS[name], '=', own[name]).executeTakeFirstOrThrow()) as Record<string, unknown>;
      const outbox: { PAYLOAD: string }[] = await s.db(name).selectFrom('SA_OUTBOX').select('PAYLOAD').where('TOPIC', 'like', `%${CONTRACT_CHANGED_TOPIC}`).orderBy('OUTBOX_NO').execute();
      const changes = outbox.map((r) => contractChanged.parse(decodeEvent(r.PAYLOAD))).filter((c) => c.source === name && c.no === own[name]);
      // Each write one version more, MS1's own bookkeeping between the steps included.
      expect(changes.map((c) => c.version)).toEqual(Array.from({ length: Number(stored.CHG_NO) }, (_, i) => i + 1));
      expect(changes.at(-1)?.row).toEqual(JSON.parse(JSON.stringify(rowToJson(stored))));
      expect(changes.at(-1)?.row).toMatchObject(last[name]);
    }
  }
});
