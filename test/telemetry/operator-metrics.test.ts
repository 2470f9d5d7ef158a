import { Redis } from 'ioredis';
import request from 'supertest';
import { dropTestData, REDIS_URL, startThreeServices, type ThreeServices } from '../services/support/service-harness';
import { newGlobalNo, ORIGINAL, pubsub, register, settledSaga } from '../services/support/saga-client';
import { startBffSystem, startSystemWithServices, type BffSystem } from '../support/system';
import { validContract } from '../support/valid-contract';

/**
 * The Prometheus metrics an operator alerts on move when the thing they count happens.
 * Real services (SQLite, Redis Streams), real BFF, SSO and Redis; every figure read from `/metrics`
 * as Prometheus would scrape it (no token: the services' `/metrics` is before authentication).
 */
afterAll(dropTestData);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The sum of the samples of `name` whose labels include `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}
const scrape = async (url: string) => (await request(url).get('/metrics').expect(200)).text;
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe('saga and outbox metrics at the services', () => {
  let s: ThreeServices;
  beforeAll(async () => {
    // MS2 fails its first compensations, with backoff slow enough for a scrape to see the saga pending.
    s = await startThreeServices('sqlite', { COMPENSATION_BACKOFF_MS: '400', COMPENSATION_BACKOFF_MAX_MS: '400', PARTICIPANT_TIMEOUT_MS: '3000', SAGA_DEADLINE_MS: '8000' }, { bus: 'redis', tag: 'metrics', inetaplca: { FAULT_COMPENSATION_FAILURES: '2' }, all: { EVENT_MAX_DELIVERIES: '2' } });
  }, 60_000);
  afterAll(async () => s?.close());

  test('a forced compensation: compensations pending rises above 0, then back to 0; the saga is counted CANCEL with its duration', async () => {
    const labels = { kind: 'reg', mode: 'event', state: 'CANCEL' };
    const before = await scrape(s.ppon.url);
    const globalNo = newGlobalNo('m-comp');
    const startedAt = Date.now();
    await pubsub(s.ppon, 'regPubsubCompensate', ORIGINAL, globalNo).expect(202);
    await until('saga_compensating > 0', async () => sample(await scrape(s.ppon.url), 'saga_compensating', { mode: 'event' }) > 0);
    expect((await settledSaga(s.ppon, globalNo, 20_000)).state).toBe('CANCEL');
    const after = await scrape(s.ppon.url);
    expect(sample(after, 'saga_compensating', { mode: 'event' })).toBe(0);
    expect(sample(after, 'saga_finished_total', labels) - sample(before, 'saga_finished_total', labels)).toBe(1);
    expect(sample(after, 'saga_duration_seconds_count', labels) - sample(before, 'saga_duration_seconds_count', labels)).toBe(1);
    // Two backoffs at least, and no more than the wait: the start is the saga's own.
    expect(sample(after, 'saga_duration_seconds_sum', labels) - sample(before, 'saga_duration_seconds_sum', labels)).toBeGreaterThan(0.4);
    expect(sample(after, 'saga_duration_seconds_sum', labels) - sample(before, 'saga_duration_seconds_sum', labels)).toBeLessThan((Date.now() - startedAt) / 1000);
    expect(sample(after, 'saga_compensation_failed_attempts_total')).toBeGreaterThanOrEqual(2);
  });

  test('an API-mode saga that ends is counted END by kind and mode', async () => {
    const labels = { kind: 'reg', mode: 'api', state: 'END' };
    const before = await scrape(s.ppon.url);
    const startedAt = Date.now();
    await register(s.ppon).expect(201);
    const after = await scrape(s.ppon.url);
    expect(sample(after, 'saga_finished_total', labels) - sample(before, 'saga_finished_total', labels)).toBe(1);
    const seconds = sample(after, 'saga_duration_seconds_sum', labels) - sample(before, 'saga_duration_seconds_sum', labels);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan((Date.now() - startedAt) / 1000);
  });

  test('a dead letter increments saga_dead_letters for the topic it came from', async () => {
    const stream = `${s.ppon.deps.config.eventTopicPrefix}inetaplcaContCreate`;
    const before = sample(await scrape(s.ppon.url), 'saga_dead_letters', { topic: stream });
    const redis = new Redis(REDIS_URL);
    try {
      await redis.xadd(stream, '*', 'key', '42', 'payload', JSON.stringify({ globalNo: 'poison-metrics-1', eventName: 'inetaplcaContCreate' }));
    } finally {
      redis.disconnect();
    }
    await until('saga_dead_letters + 1', async () => sample(await scrape(s.ppon.url), 'saga_dead_letters', { topic: stream }) === before + 1);
  });

  test('outbox backlog: unsent rows and the oldest one\'s age rise while the relay is stopped, and fall to 0 once it runs', async () => {
    await s.stop('ppon');
    await s.start('ppon', { OUTBOX_RELAY: 'false' });
    expect(sample(await scrape(s.ppon.url), 'outbox_unsent_events')).toBe(0);
    await pubsub(s.ppon, 'regPubsub', ORIGINAL, newGlobalNo('m-outbox')).expect(202);
    await sleep(1100);
    const stalled = await scrape(s.ppon.url);
    // The saga's command to MS2 and MS1's contract change event for the read side (docs/services.md#the-contract-view).
    expect(sample(stalled, 'outbox_unsent_events')).toBe(2);
    expect(sample(stalled, 'outbox_oldest_unsent_age_seconds')).toBeGreaterThanOrEqual(1);
    await s.stop('ppon');
    await s.start('ppon');
    await until('outbox drained', async () => sample(await scrape(s.ppon.url), 'outbox_unsent_events') === 0);
    expect(sample(await scrape(s.ppon.url), 'outbox_oldest_unsent_age_seconds')).toBe(0);
    // The participants report theirs too.
    expect(await scrape(s.inetaplca.url)).toMatch(/^outbox_unsent_events\{app="inetaplca"\} \d+$/m);
  });
});

describe('BFF metrics: upstream latency by service, token refreshes, live sessions', () => {
  let sys: BffSystem;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ sys, close } = await startSystemWithServices());
  }, 60_000);
  afterAll(async () => close?.());

  test('a composed view observes each service; sessions count logins and logouts', async () => {
    const sessionsBefore = sample(await scrape(sys.pc.url), 'bff_sessions');
    const mobileBefore = sample(await scrape(sys.mobile.url), 'bff_sessions');
    const agent = await sys.login(sys.pc);
    expect(sample(await scrape(sys.pc.url), 'bff_sessions')).toBe(sessionsBefore + 1);
    // Each app counts its own sessions (its SESSION_PREFIX), whichever instance is scraped.
    expect(sample(await scrape(sys.mobile.url), 'bff_sessions')).toBe(mobileBefore);

    const created = await agent.post('/api/contracts').set('X-CSRF', '1').send({ contract: validContract({ contr: 'Metrics Kim' }) }).expect(201);
    await agent.get(`/api/contracts/${created.body.saPponContNo}`).expect(200);
    const text = await scrape(sys.pc.url);
    for (const upstream of ['ppon', 'inetaplca', 'intelnet']) {
      expect({ upstream, calls: sample(text, 'bff_upstream_request_duration_seconds_count', { upstream, method: 'GET', outcome: '200' }) }).toEqual({ upstream, calls: 1 });
    }
    expect(sample(text, 'bff_upstream_request_duration_seconds_count', { upstream: 'ppon', method: 'POST', outcome: '201' })).toBe(1);
    for (const outcome of ['ok', 'refused', 'failed']) expect(text).toMatch(new RegExp(`^bff_token_refreshes_total\\{[^}]*outcome="${outcome}"[^}]*\\} \\d+$`, 'm'));

    const { logoutUrl } = (await agent.get('/bff/user').expect(200)).body as { logoutUrl: string };
    await agent.get(logoutUrl).expect(302);
    expect(sample(await scrape(sys.pc.url), 'bff_sessions')).toBe(sessionsBefore);
  });
});

describe('BFF metrics: a token refresh is counted', () => {
  let sys: BffSystem;
  beforeAll(async () => {
    // Access tokens of 3 s: refreshed a third of that before they expire.
    sys = await startBffSystem({ sso: { SSO_ACCESS_TOKEN_TTL: '3' } });
  }, 60_000);
  afterAll(async () => sys?.close());

  test('bff_token_refreshes_total{outcome="ok"} moves when the access token is renewed', async () => {
    const agent = await sys.login(sys.pc);
    const before = sample(await scrape(sys.pc.url), 'bff_token_refreshes_total', { outcome: 'ok' });
    await sleep(2300);
    await agent.get('/api/menu').expect(200);
    expect(sample(await scrape(sys.pc.url), 'bff_token_refreshes_total', { outcome: 'ok' })).toBe(before + 1);
  });
});
