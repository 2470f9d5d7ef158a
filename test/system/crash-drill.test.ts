import request from 'supertest';
import { DEMO, loginVia, type Agent } from '../support/login';
import { PROCESS_NAMES, startSystem, type RunningSystem } from './support/start-system';
import { validContract } from '../support/valid-contract';

/**
 * The crash drill: `npm start`, log in, SIGKILL each of its eight processes in turn; after each
 * kill a logged-in user's calls (the session, a composed contract from all three services, a
 * legacy page) succeed again within 10 s, the list (the contract view) within 30 s, and the
 * supervisor says it restarted the process.
 */
describe('npm start heals itself: SIGKILL each process in turn', () => {
  let system: RunningSystem;
  let pc: Agent;
  let contractNo: number;

  beforeAll(async () => {
    system = await startSystem();
    pc = (await loginVia(system.urls.pc, request.agent(system.urls.sso), system.urls.sso, DEMO)).bff;
    const created = await pc.post('/api/contracts').set('X-CSRF', '1').send({ contract: validContract({ contr: 'crash drill' }) }).expect(201);
    contractNo = created.body.saPponContNo;
  }, 120_000);

  afterAll(() => system?.kill());

  /**
   * What a logged-in user does on the PC app: the session, a composed contract view, a legacy page.
   * `complete` also wants the view whole (while a participant is still restarting it is answered
   * partial — the designed degradation — and the circuit breaker may hold it partial a few seconds more).
   */
  const userCallsWork = async (complete: boolean) => {
    const user = await pc.get('/bff/user').timeout(3_000);
    const view = await pc.get(`/api/contracts/${contractNo}`).timeout(3_000);
    const legacy = await pc.get('/legacy/app/api/invoices').timeout(3_000);
    // Whole again also means the list (the contract view, docs/services.md#the-contract-view) answers and holds the contract.
    const listed = !complete || (await pc.get('/api/contracts?contr=crash%20drill').timeout(3_000)).body.total === 1;
    return user.status === 200 && view.status === 200 && (!complete || view.body.partial === false) && legacy.status === 200 && listed;
  };

  const until = async (sinceMs: number, complete: boolean, limitMs: number) => {
    for (;;) {
      if (await userCallsWork(complete).catch(() => false)) return Date.now() - sinceMs;
      if (Date.now() - sinceMs > limitMs) return Infinity;
      // About as often as a user retries, not a tight loop.
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  it('works before the drill', async () => {
    expect(await userCallsWork(true)).toBe(true);
  });

  it.each(PROCESS_NAMES)('after SIGKILL of %s, a logged-in request succeeds within 10 s and the restart is logged', async (name) => {
    const pid = system.pidOf(name);
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    await system.waitFor(new RegExp(`${name} exited unexpectedly \\(SIGKILL\\); restarting in \\d+ ms \\(restart #1\\)`), 5_000);
    const answeredMs = await until(killedAt, false, 12_000);
    await system.waitFor(new RegExp(`${name} is back \\(restart #1, pid \\d+\\)`), 30_000);
    const backMs = Date.now() - killedAt;
    const completeMs = await until(killedAt, true, 30_000);
    console.log(`crash drill: ${name} SIGKILLed; logged-in calls answered after ${answeredMs} ms, process back after ≤${backMs} ms, views whole again after ${completeMs} ms`);
    expect(answeredMs).toBeLessThan(10_000);
    expect(completeMs).toBeLessThan(30_000);
    expect(system.pidOf(name)).not.toBe(pid);
  }, 60_000);

  it('kept the others serving throughout, and Ctrl-C still stops everything', async () => {
    // No process was stopped because another died: each was restarted exactly once.
    expect(system.output()).not.toMatch(/stopping everything/);
    const exited = new Promise<number | null>((resolve) => system.child.once('exit', (code) => resolve(code)));
    system.child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(system.output()).toMatch(/restarts during this run: .*bff-pc ×1/);
    for (const url of [system.urls.pc, system.urls.mobile, system.urls.sso, system.urls.ppon, system.urls.legacy]) {
      await expect(fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).rejects.toThrow();
    }
  }, 30_000);
});
