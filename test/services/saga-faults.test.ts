import { closedPortUrl, DB_KINDS, dropTestData, startTestService, startThreeServices, type ThreeServices } from './support/service-harness';
import { contractOf, ORIGINAL, register, newGlobalNo, sagaOf, stepLines } from './support/saga-client';
import { startTestProxy } from './support/test-proxy';

afterAll(dropTestData);

const COMPENSATION = '/cont/regSagaApiConpensating';

describe.each(DB_KINDS)('saga faults on %s', (kind) => {
  let s: ThreeServices;
  beforeAll(async () => {
    s = await startThreeServices(kind);
  });
  afterAll(() => s.close());

  /** An MS1 whose participants are reached at the given URLs (MS1 retries a compensation twice). */
  async function withPpon<T>(urls: { inetaplca?: string; intelnet?: string; timeoutMs?: number }, run: (ppon: Awaited<ReturnType<typeof startTestService>>) => Promise<T>) {
    const ppon = await startTestService(kind, 'ppon', {
      INETAPLCA_URL: urls.inetaplca ?? s.inetaplca.url,
      INTELNET_URL: urls.intelnet ?? s.intelnet.url,
      PARTICIPANT_TIMEOUT_MS: String(urls.timeoutMs ?? 5000),
    });
    try {
      return await run(ppon);
    } finally {
      await ppon.close();
    }
  }

  /** MS3 down, and MS2's register compensation failing `times` times behind a proxy. */
  async function withFailingCompensation(times: number, run: (ppon: Awaited<ReturnType<typeof startTestService>>, calls: () => number) => Promise<void>) {
    const proxy = await startTestProxy(s.inetaplca.url, { failFirst: { path: COMPENSATION, times } });
    try {
      await withPpon({ inetaplca: proxy.url, intelnet: await closedPortUrl() }, (ppon) => run(ppon, () => proxy.calls(COMPENSATION)));
    } finally {
      await proxy.close();
    }
  }

  test('MS3 down (port closed) counts as FALLBACK: MS2 and MS1 compensated', async () => {
    await withPpon({ intelnet: await closedPortUrl() }, async (ppon) => {
      const globalNo = newGlobalNo('ms3-down');
      const res = await register(ppon, ORIGINAL, globalNo);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ state: 'CANCEL', failedStep: { participant: 'intelnet', outcome: 'FALLBACK', message: 'connection refused' } });
      const ms1 = await contractOf(s.ppon, res.body.saPponContNo);
      expect(ms1).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL' });
      expect(await contractOf(s.inetaplca, ms1.saInetaplcaContNo as number)).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL', transacNo: globalNo });
    });
  });

  test('MS3 slower than the timeout: answered within the timeout, then compensated', async () => {
    // MS3 takes 20 s, the timeout is 1.5 s: an answer well before MS3's proves MS1 did not wait for
    // it, on however loaded a machine (the healthy MS2 step has all of 1.5 s).
    const slow = await startTestProxy(s.intelnet.url, { delay: { path: '/cont/regSagaApi', ms: 20_000 } });
    try {
      await withPpon({ intelnet: slow.url, timeoutMs: 1500 }, async (ppon) => {
        const globalNo = newGlobalNo('ms3-slow');
        const started = Date.now();
        const res = await register(ppon, ORIGINAL, globalNo);
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(res.status).toBe(409);
        expect(res.body.failedStep).toMatchObject({ participant: 'intelnet', outcome: 'FALLBACK', message: 'no answer within 1500 ms' });
        const ms1 = await contractOf(s.ppon, res.body.saPponContNo);
        expect(ms1).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL' });
        expect(await contractOf(s.inetaplca, ms1.saInetaplcaContNo as number)).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL' });
      });
    } finally {
      await slow.close();
    }
  });

  test("MS2's compensation failing twice, then succeeding: retried with backoff and CANCEL", async () => {
    await withFailingCompensation(2, async (ppon, calls) => {
      const globalNo = newGlobalNo('comp-retry');
      const res = await register(ppon, ORIGINAL, globalNo);
      expect(res.status).toBe(409);
      expect(res.body.state).toBe('CANCEL');
      expect(calls()).toBe(3);
      const ms1 = await contractOf(s.ppon, res.body.saPponContNo);
      expect(await contractOf(s.inetaplca, ms1.saInetaplcaContNo as number)).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL' });
      const saga = await sagaOf(s.ppon, globalNo);
      expect(saga.state).toBe('CANCEL');
      const attempts = saga.steps.filter((step) => step.action === 'register-compensation' && step.participant === 'inetaplca');
      expect(attempts.map((a) => `${a.attempt} ${a.outcome}`)).toEqual(['1 FALLBACK', '2 FALLBACK', '3 Y']);
    });
  });

  test('a compensation that cannot complete now: 502 COMPENSATING, never given up; MS1 retries it from its database until CANCEL', async () => {
    let globalNo = '';
    let saPponContNo = 0;
    await withFailingCompensation(1000, async (ppon, calls) => {
      globalNo = newGlobalNo('comp-fail');
      const res = await register(ppon, ORIGINAL, globalNo);
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ code: 'SAGA_COMPENSATION_FAILED', state: 'COMPENSATING', successYn: 'N', globalNo, message: expect.stringContaining('retried') });
      expect(calls()).toBe(3);
      saPponContNo = res.body.saPponContNo;
      // The other MS1 process's sweeper may already be at attempt 4: only the request's three are certain.
      const saga = await sagaOf(s.ppon, globalNo);
      expect(saga.message).toContain('intelnet register failed');
      const attempts = saga.steps.filter((step) => step.participant === 'inetaplca' && step.action === 'register-compensation');
      expect(attempts.slice(0, 3).map((a) => `${a.attempt} ${a.outcome}`)).toEqual(['1 FALLBACK', '2 FALLBACK', '3 FALLBACK']);
    });
    // That MS1 is gone; the other MS1 process on the same database (reaching MS2 directly) carries the compensation on.
    const until = Date.now() + 20_000;
    let saga = await sagaOf(s.ppon, globalNo);
    while (saga.state !== 'CANCEL' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      saga = await sagaOf(s.ppon, globalNo);
    }
    expect(saga.state).toBe('CANCEL');
    expect(stepLines(saga).slice(-2)).toEqual(['inetaplca register-compensation Y', 'ppon register-cancel Y']);
    const ms1 = await contractOf(s.ppon, saPponContNo);
    expect(ms1).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL' });
    expect(await contractOf(s.inetaplca, ms1.saInetaplcaContNo as number)).toMatchObject({ delYn: 'Y', transacSttus: 'CANCEL' });
  });
});
