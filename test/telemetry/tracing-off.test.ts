import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import request from 'supertest';
import { createRedisStreamsBus } from '../../lib/events/redis-streams-bus';
import { createLogger } from '../../lib/http/logger';
import { inSpan, traceHeaders, tracingOn } from '../../lib/telemetry/trace';
import { REDIS_URL } from '../services/support/service-harness';
import { useOpenLegacyRow } from './support/open-legacy-row';

/** Without OTEL_EXPORTER_OTLP_ENDPOINT nothing is traced and nothing on the wire changes. */
describe('tracing off (the default)', () => {
  test('no spans, no headers: the helpers are plain calls', async () => {
    expect(tracingOn()).toBe(false);
    expect(traceHeaders()).toEqual({});
    expect(await inSpan('x', {}, async (span) => span)).toBeUndefined();
  });

  test('a Redis Streams entry stays `key` and `payload` only; a given header still travels', async () => {
    const stream = `otel-off-${randomUUID()}`;
    const bus = createRedisStreamsBus(REDIS_URL, createLogger({ name: 't', level: 'silent' }), { maxDeliveries: 3, redeliverAfterMs: 500, deadLetterTopic: `${stream}-dlq` });
    const redis = new Redis(REDIS_URL);
    try {
      // The bus's writer has no offline queue: publish once it is connected.
      for (let tries = 0; tries < 50; tries++) {
        if (await bus.publish({ topic: `${stream}-probe`, key: '0', payload: {} }).then(() => true, () => false)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await bus.publish({ topic: stream, key: '7', payload: { globalNo: 'g-off-000001' } });
      await bus.publish({ topic: stream, key: '8', payload: { globalNo: 'g-off-000002' }, headers: { 'x-origin': 'view' } });
      const entries = await redis.xrange(stream, '-', '+');
      expect(entries.map(([, fields]) => fields)).toEqual([
        ['key', '7', 'payload', '{"globalNo":"g-off-000001"}'],
        ['key', '8', 'payload', '{"globalNo":"g-off-000002"}', 'headers', '{"x-origin":"view"}'],
      ]);
      const seen: unknown[] = [];
      await bus.subscribe('g', [stream], async (d) => void seen.push({ key: d.key, headers: d.headers }));
      const until = Date.now() + 5000;
      while (seen.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(seen).toEqual([{ key: '7', headers: undefined }, { key: '8', headers: { 'x-origin': 'view' } }]);
    } finally {
      await bus.close();
      await redis.del(stream, `${stream}-dlq`, `${stream}-probe`);
      redis.disconnect();
    }
  });

  describe('the legacy proxy', () => {
    const row = useOpenLegacyRow();

    test("forwards the browser's traceparent as it came, so a traced browser and legacy app still join up", async () => {
      const traceparent = `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`;
      const res = await request(row.sys.pc.url).get('/legacy/open/echo').set('traceparent', traceparent).set('tracestate', 'vendor=1').expect(200);
      expect(res.body.headers).toMatchObject({ traceparent, tracestate: 'vendor=1' });
    });
  });
});
