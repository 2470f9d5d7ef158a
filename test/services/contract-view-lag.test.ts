import path from 'node:path';
import { loadContractViewConfig } from '../../config/contract-view-config';
import { startContractView, type RunningContractView } from '../../services/contract-view/run-contract-view';
import { spawnReady, type Spawned } from '../support/spawn-ready';
import { api, BUS_KINDS, dropTestData, harnessSso, mintBearer, startThreeServices, viewTestEnv, type ThreeServices } from './support/service-harness';
import { validContract } from '../support/valid-contract';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../..');
const READY = /contract-view ready on (http:\/\/\S+)/;

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const gauge = (metrics: string, name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);

afterAll(() => dropTestData());

/**
 * The lag is read from the broker, so an instance whose consumer is stopped — here a
 * query-only instance (CONSUMER=false) beside the consuming process, which the test freezes with
 * SIGSTOP — reports it on /metrics and /readyz; it recovers once the consumer runs again.
 */
describe.each(BUS_KINDS)('contract view lag on %s (sqlite)', (bus) => {
  const kind = 'sqlite';
  const tag = 'lag';
  let services: ThreeServices;
  let consumer: Spawned;
  let query: RunningContractView;
  let strict: RunningContractView;

  beforeAll(async () => {
    const sso = await harnessSso();
    await mintBearer();
    services = await startThreeServices(kind, {}, { bus, tag, ownDatabases: true });
    const env = viewTestEnv(kind, { bus, tag, ssoIssuer: sso.issuer });
    consumer = await spawnReady(process.execPath, ['--import', 'tsx', path.join(ROOT, 'services/contract-view/main.ts')], env, READY, 60_000);
    query = await startContractView(loadContractViewConfig({ ...env, CONTRACT_VIEW_CONSUMER: 'false' }));
    strict = await startContractView(loadContractViewConfig({ ...env, CONTRACT_VIEW_CONSUMER: 'false', CONTRACT_VIEW_MAX_LAG_SECONDS: '1' }));
  });
  afterAll(async () => {
    consumer?.child.kill('SIGCONT');
    await consumer?.stop();
    await query?.close();
    await strict?.close();
    await services?.close();
  });

  const register = async (contr: string) => {
    const res = await api(services.ppon.url).post('/cont/regSagaApi').send({ pponContPayload: validContract({ contr }) });
    expect(res.status).toBe(201);
    return res.body.saPponContNo as number;
  };
  const inView = async (no: number) => ((await api(query.url).get(`/view/contracts/${no}`)).body.state === 'END' ? true : undefined);
  const metrics = async () => (await api(query.url).get('/metrics')).text;

  test('the lag shows while the consumer is frozen, on /metrics and /readyz, and recovers after', async () => {
    await until('the first contract in the view', async () => inView(await register(`Lag first ${bus}`)), 30_000);
    await until('no lag', async () => (gauge(await metrics(), 'contract_view_lag_events') === 0 ? true : undefined), 30_000);
    expect((await api(strict.url).get('/readyz')).status).toBe(200);

    consumer.child.kill('SIGSTOP');
    const frozen = [await register(`Lag a ${bus}`), await register(`Lag b ${bus}`), await register(`Lag c ${bus}`)];
    const behind = await until(
      'the lag on /metrics',
      async () => {
        const text = await metrics();
        const [events, seconds] = [gauge(text, 'contract_view_lag_events'), gauge(text, 'contract_view_lag_seconds')];
        return events >= 6 && seconds > 1 ? { events, seconds } : undefined;
      },
      30_000,
    );
    // Three sagas: each writes MS1 twice or more and MS2, MS3 once each — at least 12 changes.
    expect(behind.events).toBeGreaterThanOrEqual(12);
    for (const no of frozen) expect((await api(query.url).get(`/view/contracts/${no}`)).status).toBe(404);
    const ready = await api(query.url).get('/readyz');
    expect(ready.status).toBe(200); // lag alone does not make an instance unready (MAX_LAG_SECONDS=0)
    expect(ready.body.lag.events).toBeGreaterThanOrEqual(12);
    // The instance with CONTRACT_VIEW_MAX_LAG_SECONDS=1 turns unready once the lag is older than that.
    const unready = await until('VIEW_BEHIND', async () => {
      const res = await api(strict.url).get('/readyz');
      return res.status === 503 ? res : undefined;
    }, 15_000);
    expect([unready.type, unready.body.code]).toEqual(['application/problem+json', 'VIEW_BEHIND']);

    consumer.child.kill('SIGCONT');
    const recovered = Date.now();
    for (const no of frozen) await until(`contract ${no} in the view`, () => inView(no), 60_000);
    await until('no lag', async () => (gauge(await metrics(), 'contract_view_lag_events') === 0 ? true : undefined), 60_000);
    expect(gauge(await metrics(), 'contract_view_lag_seconds')).toBe(0);
    await until('ready again', async () => ((await api(strict.url).get('/readyz')).status === 200 ? true : undefined), 15_000);
    console.log(`${bus}: lag while frozen ${behind.events} events / ${behind.seconds.toFixed(1)} s; caught up ${Date.now() - recovered} ms after SIGCONT`);
  });
});
