import { api, DB_KINDS, dropTestData, mintBearer, startThreeServices, type ThreeServices } from './support/service-harness';
import { modify, newGlobalNo, register } from './support/saga-client';

afterAll(dropTestData);

describe.each(DB_KINDS)('contract history and state on %s', (kind) => {
  let s: ThreeServices;
  beforeAll(async () => {
    s = await startThreeServices(kind);
    await mintBearer('demo');
  });
  afterAll(() => s.close());

  test('history says when, who, which saga and what changed (before → after, cards masked); a rolled-back modify leaves the contract ACTIVE', async () => {
    const reg = (await register(s.ppon, { contr: '김철수', payr: '김철수', cardNo: '4111111111111111' }).expect(201)).body;
    const amd = newGlobalNo('hist');
    await modify(s.ppon, { saPponContNo: reg.saPponContNo, payr: '이영희', cardNo: '5555222222222224' }, amd).expect(200);
    const drill = newGlobalNo('hist-drill');
    await modify(s.ppon, { saPponContNo: reg.saPponContNo, payr: 'Never', compensateYn: 'Y' }, drill).expect(409);

    const contract = (await api(s.ppon.url, 'demo').get(`/cont/${reg.saPponContNo}`).expect(200)).body;
    expect(contract).toMatchObject({ payr: '이영희', contractState: 'ACTIVE', lastChange: { kind: 'MODIFY', outcome: 'ROLLED_BACK', globalNo: drill } });

    const { entries } = (await api(s.ppon.url, 'demo').get(`/cont/${reg.saPponContNo}/history`).expect(200)).body;
    expect(entries).toEqual([
      { at: expect.any(String), author: null, globalNo: drill, kind: 'MODIFY', outcome: 'ROLLED_BACK', changes: [] },
      {
        at: expect.any(String), author: { id: 'ops', name: 'Ops Desk' }, globalNo: amd, kind: 'MODIFY', outcome: 'DONE',
        changes: [{ field: 'payr', before: '김철수', after: '이영희' }, { field: 'cardNo', before: '************1111', after: '************2224' }],
      },
      { at: expect.any(String), author: { id: 'ops', name: 'Ops Desk' }, globalNo: reg.globalNo, kind: 'REGISTER', outcome: 'DONE', changes: [] },
    ]);
    const times = entries.map((e: { at: string }) => Date.parse(e.at));
    expect(times[0]).toBeGreaterThanOrEqual(times[1]);
    expect(times[1]).toBeGreaterThanOrEqual(times[2]);
    // a participant tells the same story from its own rows
    const ms2 = (await api(s.inetaplca.url, 'demo').get(`/cont/${reg.saInetaplcaContNo}/history`).expect(200)).body.entries;
    expect(ms2.map((e: { globalNo: string; outcome: string }) => `${e.globalNo} ${e.outcome}`)).toEqual([`${drill} ROLLED_BACK`, `${amd} DONE`, `${reg.globalNo} DONE`]);
    // the operator sees the numbers in full
    const full = (await api(s.ppon.url).get(`/cont/${reg.saPponContNo}/history`).expect(200)).body.entries;
    expect(full[1].changes[1]).toEqual({ field: 'cardNo', before: '4111111111111111', after: '5555222222222224' });
  });

  test('a rolled-back registration: the contract is TERMINATED, its one entry ROLLED_BACK', async () => {
    const gone = newGlobalNo('hist-gone');
    const no = (await register(s.ppon, { compensateYn: 'Y' }, gone).expect(409)).body.saPponContNo;
    const contract = (await api(s.ppon.url, 'demo').get(`/cont/${no}`).expect(200)).body;
    expect(contract).toMatchObject({ contractState: 'TERMINATED', lastChange: { kind: 'REGISTER', outcome: 'ROLLED_BACK', globalNo: gone } });
    const { entries } = (await api(s.ppon.url, 'demo').get(`/cont/${no}/history`).expect(200)).body;
    expect(entries).toEqual([{ at: expect.any(String), author: { id: 'ops', name: 'Ops Desk' }, globalNo: gone, kind: 'REGISTER', outcome: 'ROLLED_BACK', changes: [] }]);
  });
});
