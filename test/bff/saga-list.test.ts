import request from 'supertest';
import { dropTestData } from '../services/support/service-harness';
import { startSystemWithServices, type BffSystem } from '../support/system';
import type { Agent } from '../support/login';
import { validContract } from '../support/valid-contract';

/**
 * The change monitor's list through the real BFFs and services: GET /api/sagas forwards the user's
 * token to MS1, which decides whose sagas they see; PC gets the full grid row, mobile a compact card.
 */
describe('the saga list through the BFF (GET /api/sagas)', () => {
  let sys: BffSystem;
  let closeAll: () => Promise<void>;
  let demoPc: Agent;
  let demoMobile: Agent;
  let kimPc: Agent;
  let opsPc: Agent;
  const demo: string[] = [];
  const kim: string[] = [];

  beforeAll(async () => {
    ({ sys, close: closeAll } = await startSystemWithServices({ services: { tag: 'saga-list' } }));
    [demoPc, demoMobile, kimPc, opsPc] = await Promise.all([
      sys.login(sys.pc, { username: 'demo', password: 'demo1234' }),
      sys.login(sys.mobile, { username: 'demo', password: 'demo1234' }),
      sys.login(sys.pc, { username: 'kim', password: 'kim1234' }),
      sys.login(sys.pc, { username: 'ops', password: 'ops1234' }),
    ]);
    for (const [agent, mine, contr] of [[demoPc, demo, '데모 하나'], [kimPc, kim, '김 하나'], [demoMobile, demo, '데모 둘']] as const) {
      const res = await agent.post('/api/contracts').set('X-CSRF', '1').send({ contract: validContract({ contr }), mode: 'api' }).expect(201);
      mine.push(res.body.globalNo as string);
    }
  });
  afterAll(async () => {
    await closeAll?.();
    await dropTestData();
  });

  const numbers = (body: { items: { globalNo: string }[] }) => body.items.map((i) => i.globalNo);

  it('PC: an agent sees only their own sagas, newest first, every column and no English detail; an operator sees both agents\'', async () => {
    const res = await demoPc.get('/api/sagas').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(numbers(res.body)).toEqual([demo[1], demo[0]]);
    expect(Object.keys(res.body.items[0]).sort()).toEqual(['endedAt', 'globalNo', 'kind', 'messageCode', 'mode', 'saPponContNo', 'startedAt', 'state']);
    expect(res.body.items[0]).toMatchObject({ kind: 'reg', mode: 'api', state: 'END', messageCode: null, saPponContNo: expect.any(Number) });
    expect(numbers((await kimPc.get('/api/sagas').expect(200)).body)).toEqual([kim[0]]);
    const all = numbers((await opsPc.get('/api/sagas').expect(200)).body);
    expect(all.filter((g) => [...demo, ...kim].includes(g))).toEqual([demo[1], kim[0], demo[0]]);
  });

  it('mobile: the same sagas as compact cards', async () => {
    const res = await demoMobile.get('/api/sagas').expect(200);
    expect(res.body.items).toEqual([demo[1], demo[0]].map((globalNo) => ({ globalNo, kind: 'reg', state: 'END', no: expect.any(Number), startedAt: expect.any(String) })));
  });

  it('filters and pages with the cursor MS1 gives', async () => {
    const first = (await demoPc.get('/api/sagas?size=1&state=END&kind=reg').expect(200)).body;
    expect(numbers(first)).toEqual([demo[1]]);
    const second = (await demoPc.get('/api/sagas').query({ size: 1, state: 'END', kind: 'reg', cursor: first.nextCursor }).expect(200)).body;
    expect(second).toMatchObject({ items: [{ globalNo: demo[0] }], nextCursor: null });
    expect(numbers((await demoPc.get('/api/sagas?state=CANCEL').expect(200)).body)).toEqual([]);
  });

  it('a bad filter or cursor is a 400 problem on both apps; without a session a 401', async () => {
    for (const [agent, path] of [[demoPc, '/api/sagas?state=BOGUS'], [demoMobile, '/api/sagas?size=51'], [demoPc, '/api/sagas?kind=x'], [demoPc, '/api/sagas?cursor=forged']] as const) {
      const res = await agent.get(path);
      expect([res.status, res.type, res.body.code]).toEqual([400, 'application/problem+json', 'VALIDATION_FAILED']);
    }
    expect((await request(sys.pc.url).get('/api/sagas')).status).toBe(401);
  });
});
