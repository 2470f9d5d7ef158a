import request from 'supertest';
import { auth, DB_KINDS, dropTestData, mintBearer, startThreeServices, type ThreeServices } from './support/service-harness';
import { newGlobalNo } from './support/saga-client';
import { validContract } from '../support/valid-contract';

afterAll(dropTestData);

type Item = { globalNo: string; kind: string; mode: string; state: string; saPponContNo: number; startedAt: string; endedAt: string | null; messageCode: string | null; startedBy: string | null };
type Page = { items: Item[]; nextCursor: string | null };

/**
 * MS1's saga list (GET /sagas), through the real services and a real SSO's tokens: who sees which
 * sagas is decided where they live, newest first, paged, filtered; bad input is a 400 problem.
 */
describe.each(DB_KINDS)('the saga list on %s', (kind) => {
  let s: ThreeServices;
  const started: Record<'demo' | 'kim' | 'ops', string[]> = { demo: [], kim: [], ops: [] };
  let demoContract = 0;
  let drill = '';

  const registerAs = (who: string, contract: Record<string, unknown>, globalNo = newGlobalNo(`list-${who}`)) =>
    request(s.ppon.url).post('/cont/regSagaApi').set(auth(who)).set('x-global-no', globalNo).send({ pponContPayload: validContract(contract) });
  const list = async (who: string, query: Record<string, string | number> = {}) => {
    const res = await request(s.ppon.url).get('/sagas').query(query).set(auth(who)).expect(200);
    return res.body as Page;
  };
  const numbers = (page: Page) => page.items.map((i) => i.globalNo);

  beforeAll(async () => {
    s = await startThreeServices(kind);
    await Promise.all(['demo', 'kim', 'lee'].map((who) => mintBearer(who)));
    // Alternating users, one after the other, so "newest first" has a single right answer.
    for (const [who, contr] of [['demo', 'Demo One'], ['kim', 'Kim One'], ['demo', 'Demo Two'], ['kim', 'Kim Two']] as const) {
      const res = await registerAs(who, { contr }).expect(201);
      started[who].push(res.body.globalNo as string);
      if (who === 'demo') demoContract = res.body.saPponContNo as number;
    }
    const amd = newGlobalNo('list-demo-amd');
    await request(s.ppon.url).post('/cont/amdSagaApi').set(auth('demo')).set('x-global-no', amd).send({ pponContPayload: { saPponContNo: demoContract, payr: 'Changed' } }).expect(200);
    started.demo.push(amd);
    drill = (await registerAs('ops', { contr: 'Ops Drill', compensateYn: 'Y' }).expect(409)).body.globalNo as string;
    started.ops.push(drill);
  });
  afterAll(() => s.close());

  test('two agents each see only the sagas they started, newest first; an operator and a supervisor see every saga', async () => {
    const demo = await list('demo');
    expect(numbers(demo)).toEqual([...started.demo].reverse());
    expect(demo.items[0]).toMatchObject({ kind: 'amd', mode: 'api', state: 'END', saPponContNo: demoContract, messageCode: null, startedBy: expect.any(String), endedAt: expect.any(String) });
    expect(Date.parse(demo.items[0].startedAt)).toBeGreaterThanOrEqual(Date.parse(demo.items[1].startedAt));
    expect(numbers(await list('kim'))).toEqual([...started.kim].reverse());
    // A viewer started nothing, so sees nothing; the list is not a way to read others' sagas.
    expect(numbers(await list('lee'))).toEqual([]);

    const everyone = [drill, started.demo[2], started.kim[1], started.demo[1], started.kim[0], started.demo[0]];
    expect(numbers(await list('ops'))).toEqual(everyone);
    await mintBearer('park');
    expect(numbers(await list('park'))).toEqual(everyone);
  });

  test('filters by state and kind; a cancelled saga carries a message code, not the English detail', async () => {
    const cancelled = await list('ops', { state: 'CANCEL' });
    expect(numbers(cancelled)).toEqual([drill]);
    expect(cancelled.items[0]).toMatchObject({ state: 'CANCEL', kind: 'reg', messageCode: 'DRILL_FAILURE' });
    expect(numbers(await list('demo', { state: 'CANCEL' }))).toEqual([]);
    expect(numbers(await list('demo', { kind: 'amd' }))).toEqual([started.demo[2]]);
    expect(numbers(await list('kim', { kind: 'amd' }))).toEqual([]);
    expect(numbers(await list('demo', { kind: 'reg', state: 'END' }))).toEqual([started.demo[1], started.demo[0]]);
  });

  test('pages by cursor: no saga twice, none missed, and a cursor keeps the filter it is used with', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await list('ops', { limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...numbers(page));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(numbers(await list('ops')));
    // Kim's cursor over Kim's list only ever shows Kim's sagas.
    const first = await list('kim', { limit: 1 });
    expect(numbers(first)).toEqual([started.kim[1]]);
    const second = await list('kim', { limit: 1, cursor: first.nextCursor! });
    expect(second).toEqual({ items: [expect.objectContaining({ globalNo: started.kim[0] })], nextCursor: null });
  });

  test('bad query input is a 400 problem naming the field, and changes nothing', async () => {
    const before = await list('ops');
    for (const query of [{ state: 'BOGUS' }, { state: 'start' }, { kind: 'delete' }, { limit: 0 }, { limit: 201 }, { limit: 'ten' }, { cursor: 'not-a-cursor' }, { cursor: Buffer.from('{"at":"x","g":"y"}').toString('base64url') }, { sort: 'asc' }]) {
      const res = await request(s.ppon.url).get('/sagas').query(query).set(auth('demo'));
      expect([res.status, res.type, res.body.code]).toEqual([400, 'application/problem+json', 'VALIDATION_FAILED']);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([Object.keys(query)[0]]);
    }
    expect(await list('ops')).toEqual(before);
  });

  test('without a token → 401; the saga metrics stay the operators\'', async () => {
    expect((await request(s.ppon.url).get('/sagas')).status).toBe(401);
    expect((await request(s.ppon.url).get('/metrics/saga').set(auth('demo'))).body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });
});
