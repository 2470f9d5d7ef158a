import request from 'supertest';
import { DEMO, loginVia } from '../support/login';
import { startSystem, type RunningSystem } from './support/start-system';
import { validContract } from '../support/valid-contract';

/**
 * What a newcomer does: `npm start`, log in as demo, use a screen, Ctrl-C. Runs on ports of its
 * own (START_BASE_PORT) so it does not need 3000/3001/9000/8081–8083/8090 to be free.
 */
describe('npm start: the whole system on one machine', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem();
  }, 100_000);

  afterAll(() => system?.kill());

  it('prints the URLs and the demo login', () => {
    for (const text of [system.urls.pc, system.urls.mobile, system.urls.sso, system.urls.ppon, 'demo / demo1234']) expect(system.output()).toContain(text);
  });

  it('lets demo log in on the PC app and register a contract through the whole system', async () => {
    const { bff } = await loginVia(system.urls.pc, request.agent(system.urls.sso), system.urls.sso, DEMO);
    expect((await bff.get('/bff/user').expect(200)).body.sub).toBe('demo');
    const created = await bff.post('/api/contracts').set('X-CSRF', '1').send({ contract: validContract({ contr: 'npm start smoke test' }) }).expect(201);
    const view = await bff.get(`/api/contracts/${created.body.saPponContNo}`).expect(200);
    expect(view.body.partial).toBe(false);
    // The list reads the contract view (its own process), which follows the services' events.
    let listed = 0;
    for (let i = 0; i < 100 && listed === 0; i++) {
      listed = (await bff.get('/api/contracts?contr=npm%20start%20smoke').expect(200)).body.total;
      if (listed === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(listed).toBe(1);
    // event mode across the separate service processes (Redis Streams when Redis answers)
    const ack = await bff.post('/api/contracts').set('X-CSRF', '1').send({ contract: validContract({ contr: 'npm start event mode' }), mode: 'event' }).expect(202);
    let state = 'START';
    for (let i = 0; i < 100 && state === 'START'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      state = (await bff.get(ack.headers.location).expect(200)).body.state;
    }
    expect(state).toBe('END');
  });

  it('stops every process on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) => system.child.once('exit', (code) => resolve(code)));
    system.child.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const url of Object.values(system.urls)) {
      await expect(fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).rejects.toThrow();
    }
  }, 20_000);
});
