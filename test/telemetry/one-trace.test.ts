import { randomBytes } from 'node:crypto';
import { loadTelemetryConfig } from '../../config/telemetry-config';
import { startTracing, type Tracing } from '../../lib/telemetry/start-tracing';
import { GLOBAL_NO_ATTRIBUTE, inSpan } from '../../lib/telemetry/trace';
import { createLogger } from '../../lib/http/logger';
import { startServiceProcesses, type ProcessSet } from '../services/support/process-harness';
import { busEnv, dropTestData, type BusKind } from '../services/support/service-harness';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { fromReadableSpan, startOtlpReceiver, spanTree, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { startBffSystem, type BffSystem } from '../support/system';
import type { Agent } from '../support/login';
import request from 'supertest';
import { useOpenLegacyRow } from './support/open-legacy-row';

/**
 * One register saga is ONE trace across the browser's call, the BFF, MS1, MS2 and MS3 —
 * through HTTP in API mode and through the broker (outbox → Redis Streams / Kafka → replies) in
 * broker mode. The services run as real processes and export OTLP http/json to a receiver in this
 * test (the production export path); the BFF runs in this process and its spans are collected by
 * the SDK's InMemorySpanExporter (see fromReadableSpan for why not OTLP inside jest).
 */
const CONTRACT = { contr: 'Kim Trace', payr: 'Kim Trace', svcNo: '02-555-0199', cardNo: '9410-7777-7777-7770', saler: 'Seoul branch' };
const browserTraceparent = () => {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, parentId: randomBytes(8).toString('hex'), header: (p: string) => `00-${traceId}-${p}-01` };
};

let receiver: OtlpReceiver;
let tracing: Tracing;
const bffSpans = new InMemorySpanExporter();
/** Every span so far: the processes' (OTLP) and the BFF's (memory). */
const allSpans = () => [...receiver.spans(), ...bffSpans.getFinishedSpans().map(fromReadableSpan)];
const savedEnv = { ...process.env };

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // The service processes inherit these (spawnReady passes the test's environment on).
  Object.assign(process.env, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' });
  tracing = startTracing(loadTelemetryConfig('bff-pc', { OTEL_BSP_SCHEDULE_DELAY: '50' }), bffSpans);
});
afterAll(async () => {
  await tracing?.shutdown();
  process.env = savedEnv;
  await receiver?.close();
  await dropTestData();
});

/** Every span of the trace carries the saga's globalNo, and every span carrying it is in the trace. */
/**
 * The read side's change events (docs/services.md#the-contract-view) are published by each relay under the trace of the write
 * that made them; when they run is the relay's business, so the trees above leave them out and this
 * checks them: every service that wrote published its change in the saga's trace.
 */
const isChangeEvent = (s: ReceivedSpan) => /ContractChanged$/.test(s.name);
function expectChangeEvents(all: ReceivedSpan[], traceId: string): void {
  const services = all.filter((s) => s.traceId === traceId && isChangeEvent(s) && s.name.startsWith('publish ')).map((s) => s.service);
  expect(new Set(services)).toEqual(new Set(['ppon', 'inetaplca', 'intelnet']));
}

function expectOneTrace(spans: ReceivedSpan[], traceId: string, globalNo: string) {
  const ofTrace = spans.filter((s) => s.traceId === traceId);
  const ofSaga = spans.filter((s) => s.attributes[GLOBAL_NO_ATTRIBUTE] === globalNo);
  expect(ofTrace.length).toBeGreaterThan(5);
  expect(ofTrace.filter((s) => s.attributes[GLOBAL_NO_ATTRIBUTE] !== globalNo).map((s) => `${s.service}: ${s.name}`)).toEqual([]);
  expect(new Set(ofSaga.map((s) => s.traceId))).toEqual(new Set([traceId]));
  expect(new Set(ofTrace.map((s) => s.service))).toEqual(new Set(['bff-pc', 'ppon', 'inetaplca', 'intelnet']));
}

describe.each([['redis'], ['kafka']] as [BusKind][])('one trace per register saga, services as processes, broker %s', (bus) => {
  let sys: BffSystem;
  let procs: ProcessSet;
  let pc: Agent;

  beforeAll(async () => {
    const env: Record<string, string> = {};
    sys = await startBffSystem({
      pc: env,
      beforeApps: async (sso) => {
        // Timeouts for a loaded 2-core machine (the harness's 500 ms is for fault tests).
        const timeouts = { PARTICIPANT_TIMEOUT_MS: '2000', SAGA_DEADLINE_MS: '5000' };
        procs = await startServiceProcesses('sqlite', { tag: `otel-${bus}`, all: { SSO_ISSUER: sso.issuer, ...busEnv(bus), ...timeouts } });
        Object.assign(env, { PPON_URL: procs.ppon.url, INETAPLCA_URL: procs.inetaplca.url, INTELNET_URL: procs.intelnet.url });
      },
    });
    pc = await sys.login(sys.pc, { username: 'ops', password: 'ops1234' }); // an operator: the drill is theirs alone
    // Warm-up (connections, JIT) outside the traces the tests look at.
    await pc.post('/api/contracts').set('X-CSRF', '1').send({ contract: CONTRACT, mode: 'api' });
  }, 120_000);
  afterAll(async () => {
    await sys?.close();
    await procs?.close();
  });

  test('API mode: browser → BFF → MS1 → MS2, MS3 over HTTP; every saga step a span', async () => {
    const browser = browserTraceparent();
    const res = await pc.post('/api/contracts').set('X-CSRF', '1').set('traceparent', browser.header(browser.parentId)).send({ contract: CONTRACT, mode: 'api' });
    expect(res.status).toBe(201);
    const { globalNo } = res.body as { globalNo: string };
    await receiver.waitFor((spans) => spans.filter((s) => s.traceId === browser.traceId && s.kind === 2).length >= 3);
    await new Promise((r) => setTimeout(r, 300)); // the BFF's batch
    const all = allSpans();
    expectOneTrace(all, browser.traceId, globalNo);
    const root = all.find((s) => s.traceId === browser.traceId && s.parentSpanId === browser.parentId);
    expect(root).toMatchObject({ service: 'bff-pc', name: 'POST /api/contracts' });
    expectChangeEvents(all, browser.traceId);
    expect(spanTree(all, browser.traceId, isChangeEvent)).toEqual([
      'bff-pc: POST /api/contracts',
      '  bff-pc: POST ppon',
      '    ppon: POST /cont/regSagaApi',
      '      ppon: saga ppon register',
      '      ppon: saga inetaplca register',
      '        ppon: POST /cont/regSagaApi',
      '          inetaplca: POST /cont/regSagaApi',
      '      ppon: saga ppon store-inetaplca-no',
      '      ppon: saga intelnet register',
      '        ppon: POST /cont/regSagaApi',
      '          intelnet: POST /cont/regSagaApi',
      '      ppon: saga ppon store-intelnet-no',
      '      ppon: saga END',
    ]);
  });

  test('API-mode compensation: the failed step and each compensation are spans of the same trace', async () => {
    const browser = browserTraceparent();
    const res = await pc.post('/api/contracts').set('X-CSRF', '1').set('traceparent', browser.header(browser.parentId)).send({ contract: CONTRACT, mode: 'api', drill: 'compensate' });
    expect(res.status).toBe(409);
    await receiver.waitFor((spans) => spans.some((s) => s.traceId === browser.traceId && s.name === 'saga CANCEL'));
    await new Promise((r) => setTimeout(r, 300));
    const all = allSpans();
    expectOneTrace(all, browser.traceId, res.body.globalNo as string);
    const saga = spanTree(all, browser.traceId).filter((line) => line.includes(': saga '));
    expect(saga.map((l) => l.trim())).toEqual([
      'ppon: saga ppon register',
      'ppon: saga inetaplca register',
      'ppon: saga ppon store-inetaplca-no',
      'ppon: saga intelnet register', // MS3 answered N: it wrote nothing, so only MS2 is compensated
      'ppon: saga inetaplca register-compensation',
      'ppon: saga ppon register-cancel',
      'ppon: saga CANCEL',
    ]);
    const failed = all.find((s) => s.traceId === browser.traceId && s.name === 'saga intelnet register');
    expect(failed).toMatchObject({ status: 2, attributes: expect.objectContaining({ 'saga.outcome': 'N' }) });
  });

  // On Kafka, a consumer frozen past its session (10 s) makes its group rebalance: slower, same path.
  test('broker mode, MS3 hung past the deadline: the sweeper\'s compensation, in a later sweep, stays in the saga\'s trace', async () => {
    const browser = browserTraceparent();
    procs.freeze('intelnet');
    let globalNo: string;
    try {
      const res = await pc.post('/api/contracts').set('X-CSRF', '1').set('traceparent', browser.header(browser.parentId)).send({ contract: CONTRACT, mode: 'event' });
      expect(res.status).toBe(202);
      globalNo = res.body.globalNo as string;
      await receiver.waitFor((spans) => spans.some((s) => s.traceId === browser.traceId && s.name === 'saga deadline'), 30_000);
    } finally {
      procs.thaw('intelnet');
    }
    await receiver.waitFor((spans) => spans.some((s) => s.traceId === browser.traceId && s.name === 'saga CANCEL'), 30_000);
    await new Promise((r) => setTimeout(r, 300));
    const all = allSpans();
    expectOneTrace(all, browser.traceId, globalNo);
    const saga = spanTree(all, browser.traceId).filter((line) => /: saga (deadline|intelnet register|\S+ register-compensation|ppon register-cancel|CANCEL)$/.test(line)).map((l) => l.trim());
    expect(saga[0]).toBe('ppon: saga deadline');
    expect(saga).toEqual(expect.arrayContaining(['ppon: saga intelnet register', 'ppon: saga intelnet register-compensation', 'ppon: saga inetaplca register-compensation', 'ppon: saga ppon register-cancel', 'ppon: saga CANCEL']));
  }, 60_000);

  test('broker mode: MS1 → outbox → broker → MS2 → reply → MS1 → MS3 → reply → END is the same one trace', async () => {
    const browser = browserTraceparent();
    const res = await pc.post('/api/contracts').set('X-CSRF', '1').set('traceparent', browser.header(browser.parentId)).send({ contract: CONTRACT, mode: 'event' });
    expect(res.status).toBe(202);
    const { globalNo } = res.body as { globalNo: string };
    await receiver.waitFor((all) => all.some((s) => s.traceId === browser.traceId && s.name === 'saga END'), 30_000);
    await new Promise((r) => setTimeout(r, 300));
    const all = allSpans();
    expectOneTrace(all, browser.traceId, globalNo);
    expectChangeEvents(all, browser.traceId);
    const tree = spanTree(all, browser.traceId, isChangeEvent);
    expect(tree).toEqual([
      'bff-pc: POST /api/contracts',
      '  bff-pc: POST ppon',
      '    ppon: POST /cont/regPubsub',
      '      ppon: saga ppon register',
      `      ppon: publish ${tree[4]?.split('publish ')[1] ?? '?'}`,
      `        inetaplca: process ${tree[4]?.split('publish ')[1] ?? '?'}`,
      expect.stringMatching(/^ {10}inetaplca: publish \S*ContResponse$/),
      expect.stringMatching(/^ {12}ppon: process \S*ContResponse$/),
      '              ppon: saga inetaplca register',
      '              ppon: saga ppon store-inetaplca-no',
      expect.stringMatching(/^ {14}ppon: publish \S*intelnetContCreate$/),
      expect.stringMatching(/^ {16}intelnet: process \S*intelnetContCreate$/),
      expect.stringMatching(/^ {18}intelnet: publish \S*ContResponse$/),
      expect.stringMatching(/^ {20}ppon: process \S*ContResponse$/),
      '                      ppon: saga intelnet register',
      '                      ppon: saga ppon store-intelnet-no',
      '                      ppon: saga END',
    ]);
    expect(tree[4]).toEqual(expect.stringContaining('inetaplcaContCreate'));
  });
});

test('a log line written inside a span names its trace and span', async () => {
  const lines: string[] = [];
  const logger = createLogger({ name: 't', level: 'info' }, { write: (line: string) => void lines.push(line) });
  const ids = await inSpan('logged', { globalNo: 'g-log-000001' }, async (span) => {
    logger.info('inside');
    return span?.spanContext();
  });
  logger.info('outside');
  expect(JSON.parse(lines[0])).toMatchObject({ msg: 'inside', trace_id: ids?.traceId, span_id: ids?.spanId });
  expect(JSON.parse(lines[1]).trace_id).toBeUndefined();
});

describe('the legacy proxy carries the trace on', () => {
  const row = useOpenLegacyRow();

  test("the legacy app gets the BFF's own span as parent, in the browser's trace", async () => {
    const browser = browserTraceparent();
    const res = await request(row.sys.pc.url).get('/legacy/open/echo').set('traceparent', browser.header(browser.parentId)).expect(200);
    const sent = String(res.body.headers.traceparent);
    expect(sent).toMatch(new RegExp(`^00-${browser.traceId}-[0-9a-f]{16}-01$`));
    await new Promise((r) => setTimeout(r, 300));
    const server = bffSpans.getFinishedSpans().map(fromReadableSpan).find((s) => s.traceId === browser.traceId);
    expect(server).toMatchObject({ parentSpanId: browser.parentId, attributes: expect.objectContaining({ [GLOBAL_NO_ATTRIBUTE]: res.headers['x-global-no'] }) });
    expect(sent.split('-')[2]).toBe(server?.spanId);
  });
});
