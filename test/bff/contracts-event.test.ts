import { dropTestData } from '../services/support/service-harness';
import { startSystemWithServices, type BffSystem } from '../support/system';
import type { Agent } from '../support/login';

const CONTRACT = { contr: '이순신', payr: '이순신', svcNo: '02-777-0001', cardNo: '5555-0000-0000-0008' };
const TERMINAL = ['END', 'CANCEL'];

/** Follows the saga the way a screen does after a 202: poll the Location until it is terminal. */
async function settled(agent: Agent, location: string, timeoutMs = 20_000) {
  const started = Date.now();
  for (;;) {
    const saga = await agent.get(location).expect(200);
    if (TERMINAL.includes(saga.body.state)) return saga.body;
    if (Date.now() - started > timeoutMs) throw new Error(`saga still ${saga.body.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('event-mode sagas through the BFF (real services on Redis Streams, SSO, Redis)', () => {
  let sys: BffSystem;
  let closeAll: () => Promise<void>;
  let pc: Agent;

  beforeAll(async () => {
    ({ sys, close: closeAll } = await startSystemWithServices({ env: { SAGA_MODE_DEFAULT: 'event' }, services: { tag: 'bff' } }));
    pc = await sys.login(sys.pc, { username: 'ops', password: 'ops1234' }); // an operator: the drill is theirs alone
  });
  afterAll(async () => {
    // the BFFs, the contract view and the three services
    await closeAll?.();
    await dropTestData();
  });

  const start = (body: object) => pc.post('/api/contracts').set('X-CSRF', '1').send(body);

  async function registered() {
    const ack = await start({ contract: CONTRACT }).expect(202);
    const saga = await settled(pc, ack.headers.location);
    expect(saga.state).toBe('END');
    return saga.saPponContNo as number;
  }

  it('registers: 202 with a Location at once, then END with all three rows', async () => {
    const ack = await start({ contract: CONTRACT, mode: 'event' }).expect(202);
    expect(ack.body).toMatchObject({ state: 'START', accepted: true, globalNo: expect.any(String) });
    expect(ack.headers.location).toBe(`/api/sagas/${ack.body.globalNo}`);
    expect(ack.body).not.toHaveProperty('successYn');
    const saga = await settled(pc, ack.headers.location);
    expect(saga).toMatchObject({ state: 'END', mode: 'event', kind: 'reg' });
    const view = await pc.get(`/api/contracts/${saga.saPponContNo}`).expect(200);
    expect(view.body.partial).toBe(false);
    expect(view.body.ppon).toMatchObject({ contr: '이순신', transacSttus: 'END', delYn: 'N', saInetaplcaContNo: view.body.inetaplca.saInetaplcaContNo, saIntelnetContNo: view.body.intelnet.saIntelnetContNo });
    expect(view.body.inetaplca).toMatchObject({ transacSttus: 'END', delYn: 'N' });
  });

  it('registers with the compensation drill: the 202 is not the outcome, the saga ends CANCEL', async () => {
    const ack = await start({ contract: CONTRACT, drill: 'compensate' }).expect(202);
    const saga = await settled(pc, ack.headers.location);
    expect(saga.state).toBe('CANCEL');
    const view = await pc.get(`/api/contracts/${saga.saPponContNo}`).expect(200);
    expect(view.body.ppon).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL' });
    expect(view.body.inetaplca).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL' });
    expect(view.body.intelnet).toBeNull();
  });

  it('modifies: END with the change in all three rows', async () => {
    const no = await registered();
    const ack = await pc.put(`/api/contracts/${no}`).set('X-CSRF', '1').send({ contract: { payr: '유성룡' } }).expect(202);
    expect((await settled(pc, ack.headers.location)).state).toBe('END');
    const view = await pc.get(`/api/contracts/${no}`).expect(200);
    expect([view.body.ppon.payr, view.body.inetaplca.payr, view.body.intelnet.payr]).toEqual(['유성룡', '유성룡', '유성룡']);
  });

  it('modifies with the drill: CANCEL and every row as it was', async () => {
    const no = await registered();
    const ack = await pc.put(`/api/contracts/${no}`).set('X-CSRF', '1').send({ contract: { payr: 'Never applied' }, drill: 'compensate' }).expect(202);
    expect((await settled(pc, ack.headers.location)).state).toBe('CANCEL');
    const view = await pc.get(`/api/contracts/${no}`).expect(200);
    expect(view.body.ppon).toMatchObject({ payr: '이순신', transacSttus: 'CANCEL', delYn: 'N' });
    expect(view.body.inetaplca).toMatchObject({ payr: '이순신', transacSttus: 'CANCEL' });
    expect(view.body.intelnet.payr).toBe('이순신');
  });

  it('streams the event-mode saga step by step to its end', async () => {
    const ack = await start({ contract: CONTRACT }).expect(202);
    const res = await pc.get(`${ack.headers.location}/events`).buffer(true).parse((r, done) => {
      let text = '';
      r.on('data', (c: Buffer) => (text += c.toString()));
      r.on('end', () => done(null, text));
    });
    const events = [...String(res.body).matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events.filter((e) => e === 'step').length).toBeGreaterThanOrEqual(2);
    expect(events[events.length - 1]).toBe('end');
    expect(String(res.body)).toMatch(/"state":"END"/);
  });
});
