import request from 'supertest';
import { dropTestData, type ThreeServices } from '../services/support/service-harness';
import { startSystemWithServices, type BffSystem } from '../support/system';
import type { Agent } from '../support/login';
import { sleep, waitFor } from '../services/support/consistency-expect';
import { validContract } from '../support/valid-contract';

const WATCHERS = 50;

/** MS1's count of `GET /sagas/:globalNo` answered so far (its own /metrics). */
async function sagaReads(ms1: { url: string }): Promise<number> {
  const text = (await request(ms1.url).get('/metrics').expect(200)).text;
  return text
    .split('\n')
    .filter((line) => line.startsWith('http_requests_total{') && line.includes('route="/sagas/:globalNo"') && line.includes('method="GET"'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

/** Opens an SSE stream and collects its text until the server ends it. */
function watch(agent: Agent, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    void agent
      .get(path)
      .timeout(120_000)
      .buffer(true)
      .parse((r, done) => {
        let text = '';
        r.on('data', (c: Buffer) => (text += c.toString()));
        r.on('end', () => done(null, text));
      })
      .then((res) => resolve(String(res.body)), reject);
  });
}

describe('saga progress pushed: one reader of MS1 per saga and BFF instance, however many watch', () => {
  let services: ThreeServices;
  let sys: BffSystem;
  let closeAll: () => Promise<void>;
  let pc: Agent;
  /** Five browsers (sessions), ten streams each, as several people watching. */
  let browsers: Agent[];

  // The BFF's own periodic read is pushed out of the test (60 s): progress can only come from MS1's notices.
  beforeAll(async () => {
    ({ sys, services, close: closeAll } = await startSystemWithServices({ env: { SAGA_REFRESH_MS: '60000' }, services: { tag: 'watchers' } }));
    pc = await sys.login(sys.pc);
    browsers = [pc];
    for (let i = 1; i < 5; i++) browsers.push(await sys.login(sys.pc));
  }, 120_000);
  afterAll(async () => {
    await closeAll?.();
    await dropTestData();
  });

  it(`${WATCHERS} streams of one running saga cost MS1 one read each to open, then a few reads in all; every stream sees the end`, async () => {
    // MS3 down: the saga's MS3 step times out, and its compensation waits for MS3 to come back.
    await services.stop('intelnet');
    const ack = await pc.post('/api/contracts').set('X-CSRF', '1').send({ contract: validContract({ contr: '세종' }), mode: 'event' }).expect(202);
    const path = `${ack.headers.location}/events`;
    const before = await sagaReads(services.ppon);
    const streams: Promise<string>[] = [];
    for (let i = 0; i < WATCHERS; i++) {
      streams.push(watch(browsers[i % browsers.length], path));
      await sleep(10);
    }
    // Each stream's first read (it decides between a 404 problem and a stream) is its own.
    await waitFor('every stream to open', async () => (await sagaReads(services.ppon)) - before >= WATCHERS, 30_000, 100);
    await sleep(500);
    const windowStart = await sagaReads(services.ppon);
    await sleep(4000);
    const inWindow = (await sagaReads(services.ppon)) - windowStart;
    // Polling every 200 ms per stream, this was ~1,000 reads; now one reader follows the saga for all.
    expect(inWindow).toBeLessThan(WATCHERS / 2);

    await services.start('intelnet');
    const texts = await Promise.all(streams);
    for (const text of texts) {
      expect(text).toContain('event: end');
      expect(text).toMatch(/"state":"CANCEL"/);
    }
    const events = (text: string) => text.split('\n').filter((l) => l.startsWith('event: '));
    // Every stream saw the same events, in the same order.
    for (const text of texts) expect(events(text)).toEqual(events(texts[0]));
  }, 120_000);
});
