import { dropTestData } from '../services/support/service-harness';
import { startSystemWithServices, type BffSystem } from '../support/system';
import { LEE, type Agent } from '../support/login';
import type { RunningContractView } from '../../services/contract-view/run-contract-view';
import { cardNumber, serviceNumber, validContract } from '../support/valid-contract';

jest.setTimeout(120_000);

/** The BFF's lists, search and home read the contract view; the single contract stays live. */
describe('contract search through the BFF (contract view, real services, SSO, Redis)', () => {
  let sys: BffSystem;
  let view: RunningContractView;
  let close: () => Promise<void>;
  let pc: Agent;
  let ops: Agent;
  let mobile: Agent;
  const tag = `S${Date.now().toString(36)}`;
  const numbers: number[] = [];
  const seed = (Date.now() % 8_000_000) * 10;
  const svc = (i: number) => serviceNumber(seed + i);

  /** A drill (MS3 fails on purpose) is an operator's; the other contracts are the agent's. */
  const register = (contract: Record<string, string>, drill = false) => (drill ? ops : pc).post('/api/contracts').set('X-CSRF', '1').send({ contract, ...(drill ? { drill: 'compensate' } : {}) });
  const list = (agent: Agent, query: Record<string, string | number>) => agent.get('/api/contracts').query(query);
  const eventually = async (what: string, ok: () => Promise<boolean>) => {
    for (const started = Date.now(); !(await ok()); await new Promise((r) => setTimeout(r, 50))) {
      if (Date.now() - started > 10_000) throw new Error(`${what}: not within 10 s`);
    }
  };

  beforeAll(async () => {
    ({ sys, view, close } = await startSystemWithServices());
    pc = await sys.login(sys.pc);
    ops = await sys.login(sys.pc, { username: 'ops', password: 'ops1234' });
    mobile = await sys.login(sys.mobile);
    for (const [i, payr] of ['Han', 'Han', 'Seo', 'Seo', 'Han'].entries()) {
      const res = await register({ contr: `${tag} ${String.fromCharCode(69 - i)}`, payr: `${payr} ${tag}`, svcNo: svc(i), cardNo: cardNumber(seed + i) });
      expect(res.body).toMatchObject({ state: 'END' });
      numbers.push(res.body.saPponContNo);
    }
    expect((await register(validContract({ contr: `${tag} Z cancelled` }) as Record<string, string>, true)).status).toBe(409);
    await eventually('the view has the six contracts', async () => (await list(pc, { contr: tag, includeDeleted: 'true', size: 10 })).body.items?.filter((i: { ppon: { transacSttus: string } }) => i.ppon.transacSttus !== 'START').length === 6);
  });
  afterAll(async () => {
    await close?.();
    await dropTestData();
  });

  it('PC rows keep every grid field of the three services; mobile rows are compact cards', async () => {
    const page = (await list(pc, { contr: tag, size: 2 }).expect(200)).body;
    expect(page).toMatchObject({ total: 5, size: 2, partial: false, nextCursor: expect.any(String) });
    const [first] = page.items;
    expect(first.saPponContNo).toBe(numbers[4]); // newest first
    expect(first.ppon).toMatchObject({ contr: `${tag} A`, payr: `Han ${tag}`, transacSttus: 'END', delYn: 'N' });
    expect(first.inetaplca).toMatchObject({ saPponContNo: numbers[4], transacSttus: 'END' });
    expect(first.intelnet).toMatchObject({ saPponContNo: numbers[4], transacSttus: 'END' });
    const cards = (await list(mobile, { contr: tag, size: 2 }).expect(200)).body;
    expect(cards.items[0]).toEqual({ no: numbers[4], contractor: `${tag} A`, serviceNumber: svc(4), status: 'active', partial: false, contractState: 'ACTIVE', lastChange: { kind: 'REGISTER', outcome: 'DONE', globalNo: expect.any(String), at: expect.any(String) } });
    const home = (await mobile.get('/api/home').expect(200)).body;
    expect(home.recent.items.length).toBeGreaterThan(0);
  });

  it('searches by contractor, payer, service number, card number, state and date range', async () => {
    const nos = async (query: Record<string, string>) => ((await list(pc, { size: 50, ...query }).expect(200)).body.items as { saPponContNo: number }[]).map((i) => i.saPponContNo).sort((a, b) => a - b);
    expect(await nos({ contr: `${tag} B` })).toEqual([numbers[3]]);
    expect(await nos({ q: `${tag} B` })).toEqual([numbers[3]]); // the earlier name of the contractor search
    expect(await nos({ payr: `Seo ${tag}` })).toEqual([numbers[2], numbers[3]]);
    expect(await nos({ svcNo: svc(1) })).toEqual([numbers[1]]);
    // any part: of a name, of a number's digits (dashes ignored)
    expect(await nos({ contr: tag.slice(2) })).toEqual(numbers.slice().sort((a, b) => a - b));
    expect(await nos({ payr: `eo ${tag.slice(0, -1)}` })).toEqual([numbers[2], numbers[3]]);
    expect(await nos({ svcNo: svc(1).replace(/\D/g, '').slice(3) })).toEqual([numbers[1]]);
    expect(await nos({ svcNo: svc(1).slice(3) })).toEqual([numbers[1]]);
    expect((await list(pc, { svcNo: 'abc' }).expect(400)).body.errors).toContainEqual(expect.objectContaining({ path: 'svcNo', code: 'INVALID_FORMAT' }));
    expect(await nos({ cardNo: cardNumber(seed) })).toEqual([numbers[0]]);
    const cancelled = await nos({ contr: tag, state: 'CANCEL', includeDeleted: 'true' });
    expect(cancelled).toHaveLength(1);
    expect(await nos({ contr: tag, state: 'CANCEL' })).toEqual([]); // deleted rows only when asked
    const today = new Date().toISOString().slice(0, 10);
    expect(await nos({ contr: tag, from: today, to: today })).toHaveLength(5);
    expect(await nos({ contr: tag, to: '2001-01-01' })).toEqual([]);
    const lee = await sys.login(sys.pc, LEE); // a viewer lists every contract, as the services' lists allow
    expect((await list(lee, { contr: tag }).expect(200)).body.total).toBe(5);
  });

  it('finds a Korean name by any part of it', async () => {
    const other = `Q${Date.now().toString(36)}`;
    const no = (await register(validContract({ contr: `김철수 ${other}`, payr: `박영희 ${other}` }) as Record<string, string>).expect(201)).body.saPponContNo;
    await eventually('the Korean contract in the view', async () => (await list(pc, { contr: `철수 ${other}` })).body.total === 1);
    expect((await list(pc, { contr: `철수 ${other}` }).expect(200)).body.items[0].saPponContNo).toBe(no);
    expect((await list(pc, { payr: `영희 ${other}` }).expect(200)).body.items.map((i: { saPponContNo: number }) => i.saPponContNo)).toEqual([no]);
    expect((await list(pc, { contr: '철수', size: 100 }).expect(200)).body.items.map((i: { saPponContNo: number }) => i.saPponContNo)).toContain(no);
  });

  it('sorts, and pages with a stable cursor: no row twice or missed while contracts are added', async () => {
    const walk = async (sort: string, order: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const body: { items: { ppon: { contr: string } }[]; nextCursor: string | null } = (await list(pc, { contr: tag, sort, order, size: 2, ...(cursor ? { cursor } : {}) }).expect(200)).body;
        seen.push(...body.items.map((i) => i.ppon.contr));
        // A contract added between pages, before the cursor's position: a keyset cursor is a position, so nothing shifts.
        if (seen.length === 2 && sort === 'contr') expect((await register(validContract({ contr: `${tag} F added` }) as Record<string, string>)).status).toBe(201);
        cursor = body.nextCursor;
      } while (cursor);
      return seen;
    };
    expect(await walk('contr', 'desc')).toEqual(['E', 'D', 'C', 'B', 'A'].map((l) => `${tag} ${l}`));
    await eventually('the added contract', async () => (await list(pc, { contr: `${tag} F` })).body.total === 1);
    expect(await walk('no', 'asc')).toEqual(['E', 'D', 'C', 'B', 'A', 'F added'].map((l) => `${tag} ${l}`));
  });

  it('answers 400 problems to hostile queries and never passes them on', async () => {
    const first = (await list(pc, { contr: tag, size: 2 }).expect(200)).body.nextCursor as string;
    const forged = Buffer.from(JSON.stringify({ v: 1, q: '0000000000000000', a: 1, n: 1 })).toString('base64url');
    const cases: Record<string, string | number>[] = [
      { contr: tag, size: 2, cursor: first, sort: 'contr' }, // the cursor of another query
      { contr: `${tag} X`, size: 2, cursor: first }, // other filters
      { cursor: forged },
      { cursor: 'x'.repeat(401) },
      { cursor: '../../etc/passwd' },
      { page: 2 },
      { size: 0 },
      { size: 1000 },
      { sort: 'contr; DROP TABLE SA_CONTRACT_VIEW' },
      { order: 'sideways' },
      { state: 'DELETED' },
      { from: '2026-13-01' },
      { from: 'yesterday' },
      { from: '2026-06-02', to: '2026-06-01' },
      { contr: 'a\u202eb' },
      { contr: 'x'.repeat(201) },
      { q: 'a', contr: 'b' },
      { includeDeleted: 'maybe' },
    ];
    for (const query of cases) {
      const res = await list(pc, query);
      expect([res.status, res.type, res.body.code]).toEqual([400, 'application/problem+json', 'VALIDATION_FAILED']);
    }
    expect((await pc.get('/api/contracts?contr=a&contr=b')).status).toBe(400);
    // LIKE wildcards are literal characters of the prefix.
    expect((await list(pc, { contr: '%' }).expect(200)).body.total).toBe(0);
    expect((await list(pc, { contr: '_' }).expect(200)).body.total).toBe(0);
  });

  it('the single contract is live and says when the view is behind for it', async () => {
    const no = numbers[0];
    expect((await pc.get(`/api/contracts/${no}`).expect(200)).body.viewBehind).toBe(false);
    expect((await mobile.get(`/api/contracts/${no}`).expect(200)).body.viewBehind).toBe(false);
    await view.deps.bus.close(); // the view's consumer stops
    const amd = await pc.put(`/api/contracts/${no}`).set('X-CSRF', '1').send({ contract: { contr: `${tag} E changed` } });
    expect(amd.status).toBe(200);
    const live = (await pc.get(`/api/contracts/${no}`).expect(200)).body;
    expect(live.ppon.contr).toBe(`${tag} E changed`);
    expect(live.viewBehind).toBe(true);
    expect((await list(pc, { contr: `${tag} E` }).expect(200)).body.items[0].ppon.contr).toBe(`${tag} E`); // the list has not seen it
  });
});
