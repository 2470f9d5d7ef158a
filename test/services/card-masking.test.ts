import request from 'supertest';
import { auth, dropTestData, mintBearer } from './support/service-harness';
import { startServiceProcesses, type ProcessSet } from './support/process-harness';
import { newGlobalNo, register } from './support/saga-client';

jest.setTimeout(120_000);
afterAll(dropTestData);

const CARD = '4000056655665556';

/** The services as real processes, logging at info, so that the audit lines can be read. */
describe('card numbers leave the services masked, except to operators and supervisors, who are audited', () => {
  let s: ProcessSet;
  let reg: { saPponContNo: number; saInetaplcaContNo: number; saIntelnetContNo: number };
  beforeAll(async () => {
    s = await startServiceProcesses('sqlite', { tag: 'cards', all: { LOG_LEVEL: 'info' } });
    await Promise.all(['demo', 'lee', 'park'].map((who) => mintBearer(who)));
    const res = await register(s.ppon, { cardNo: `${CARD.slice(0, 4)} ${CARD.slice(4, 8)} ${CARD.slice(8, 12)} ${CARD.slice(12)}` });
    expect(res.body).toMatchObject({ state: 'END' });
    reg = res.body;
    await request(s.ppon.url).post('/cont/amdSagaApi').set(auth()).set('x-global-no', newGlobalNo('card')).send({ pponContPayload: { saPponContNo: reg.saPponContNo, cardNo: '5555222222222224' } }).expect(200);
  });
  afterAll(() => s?.close());

  const get = (url: string, path: string, who: string, globalNo = newGlobalNo('read')) => request(url).get(path).set(auth(who)).set('x-global-no', globalNo).expect(200);
  const all = () => ['ppon', 'inetaplca', 'intelnet'].map((n) => s.output(n as 'ppon')).join('\n');

  it.each(['demo', 'lee'])('%s (agent, viewer) gets every card masked: the contract, the list and the history of each service', async (who) => {
    const parts = [[s.ppon.url, reg.saPponContNo], [s.inetaplca.url, reg.saInetaplcaContNo], [s.intelnet.url, reg.saIntelnetContNo]] as const;
    for (const [url, no] of parts) {
      expect((await get(url, `/cont/${no}`, who)).body.cardNo).toBe('************2224');
      expect((await get(url, `/cont/${no}/history`, who)).body.items.map((h: { cardNo: string }) => h.cardNo)).toEqual(['************5556']);
      const list = (await get(url, '/cont?size=100', who)).body.items as { cardNo: string }[];
      expect(list.length).toBeGreaterThan(0);
      for (const row of list) expect(row.cardNo).toMatch(/^\*+\d{4}$/);
    }
    expect(all()).not.toMatch(/card-read-full.*"user":"(demo|lee)"/);
  });

  it.each(['ops', 'park'])('%s (operator, supervisor) reads the number in full, and the read is audited with who, what, the contract and the globalNo', async (who) => {
    const globalNo = newGlobalNo(`full-${who}`);
    expect((await get(s.inetaplca.url, `/cont/${reg.saInetaplcaContNo}`, who, globalNo)).body.cardNo).toBe('5555222222222224');
    await new Promise((r) => setTimeout(r, 200));
    const line = all().split('\n').find((l) => l.includes('card-read-full') && l.includes(globalNo));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ audit: 'card-read-full', user: who, what: 'contract', contracts: [reg.saInetaplcaContNo], globalNo });
  });

  it('no log line of any service holds a full card number', async () => {
    expect(all()).not.toContain(CARD);
    expect(all()).not.toContain('5555222222222224');
  });
});
