import { randomUUID } from 'node:crypto';
import { Admin } from '@platformatic/kafka';
import { createKafkaBus, type KafkaBusOptions } from '../../lib/events/kafka-bus';
import { kafkaGroupId } from '../../lib/events/kafka-codec';
import type { Delivery, EventBus } from '../../lib/events/event-bus';
import { createLogger } from '../../lib/http/logger';
import { dropKafkaTopics, KAFKA_BROKERS, publishRaw } from './support/service-harness';
import { reserveOwnKafka } from '../support/own-kafka';

// The Kafka adapter against the real broker (127.0.0.1:9092, started by the jest global setup).
// Each test has its own topics (prefix per run and test) and consumer groups.
const RUN = `kbus-${Date.now().toString(36)}-${process.pid}`;
const logger = createLogger({ name: 'kafka-bus-test', level: 'silent' });
const buses: EventBus[] = [];
afterEach(async () => {
  await Promise.all(buses.splice(0).map((b) => b.close()));
});
afterAll(() => dropKafkaTopics(`${RUN}.`));

let testNo = 0;
function topicsOfTest() {
  const prefix = `${RUN}.${++testNo}.`;
  return { prefix, work: `${prefix}work`, dead: `${prefix}DeadLetter` };
}
function bus(t: ReturnType<typeof topicsOfTest>, extra: Partial<KafkaBusOptions> = {}): EventBus {
  const b = createKafkaBus({ brokers: [KAFKA_BROKERS], clientId: 'test', topics: [t.work, t.dead], partitions: 3, deadLetterTopic: t.dead, maxDeliveries: 3, redeliverAfterMs: 100, ...extra }, logger);
  buses.push(b);
  return b;
}
async function until<T>(what: string, get: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const event = (topic: string, key: string, n: number) => ({ topic, key, payload: { eventName: 'test', n } });

describe('Kafka event bus on a real broker', () => {
  test('topics are created at start with the configured partitions; one key stays on one partition, in order', async () => {
    const t = topicsOfTest();
    const got: Delivery[] = [];
    const b = bus(t);
    await b.subscribe('g', [t.work], async (d) => void got.push(d));
    for (let n = 1; n <= 10; n++) await b.publish(event(t.work, n % 2 ? 'contract-1' : 'contract-2', n));
    await until('10 deliveries', () => new Set(got.map((d) => d.id)).size === 10);

    const admin = new Admin({ clientId: 'test', bootstrapBrokers: [KAFKA_BROKERS] });
    const meta = await admin.metadata({ topics: [t.work, t.dead] });
    await admin.close();
    expect([t.work, t.dead].map((topic) => meta.topics.get(topic)?.partitionsCount)).toEqual([3, 3]);

    // At least once: a rebalance may deliver a record again, so order is read from first deliveries.
    const firsts = got.filter((d, i) => got.findIndex((o) => o.id === d.id) === i);
    for (const key of ['contract-1', 'contract-2']) {
      const mine = firsts.filter((d) => d.key === key);
      expect(new Set(mine.map((d) => d.id.split('/')[0])).size).toBe(1);
      expect(mine.map((d) => d.payload.n)).toEqual(key === 'contract-1' ? [1, 3, 5, 7, 9] : [2, 4, 6, 8, 10]);
      expect(mine.every((d) => d.topic === t.work)).toBe(true);
    }
  });

  test("one partition, two contracts: the second's event is handled while the first's is still running; the first's next event waits for it", async () => {
    const t = topicsOfTest();
    const order: string[] = [];
    let releaseSlow = () => undefined as void;
    const slowHeld = new Promise<void>((resolve) => (releaseSlow = resolve));
    const b = bus(t, { partitions: 1, concurrency: 8 });
    await b.subscribe('g', [t.work], async (d) => {
      order.push(`start ${d.key}#${String(d.payload.n)}`);
      // The slow contract's first event holds until the other contract's event is done (10 s at most).
      if (d.payload.n === 1) await Promise.race([slowHeld, new Promise((r) => setTimeout(r, 10_000))]);
      if (d.key === 'fast') releaseSlow();
      order.push(`end ${d.key}#${String(d.payload.n)}`);
    });
    await b.publishBatch([event(t.work, 'slow', 1), event(t.work, 'fast', 2), event(t.work, 'slow', 3)]);
    await until('all three handled', () => order.includes('end slow#3'), 20_000);
    const firsts = order.filter((x, i) => order.indexOf(x) === i);
    // The other contract did not wait for the slow one...
    expect(firsts.indexOf('end fast#2')).toBeLessThan(firsts.indexOf('end slow#1'));
    // ...and the slow contract's second event did not overtake its first.
    expect(firsts.indexOf('start slow#3')).toBeGreaterThan(firsts.indexOf('end slow#1'));
  });

  test('a failing handler gets the event again (deliveries counted) and later events of the key wait for it', async () => {
    const t = topicsOfTest();
    const seen: string[] = [];
    let failures = 2;
    const b = bus(t);
    await b.subscribe('g', [t.work], async (d) => {
      seen.push(`${String(d.payload.n)}#${d.deliveries}`);
      if (d.payload.n === 1 && failures-- > 0) throw new Error('database busy');
    });
    await b.publish(event(t.work, 'k', 1));
    await b.publish(event(t.work, 'k', 2));
    await until('both handled', () => seen.includes('2#1'));
    const before = seen.slice(0, seen.indexOf('2#1'));
    expect(before).toEqual(expect.arrayContaining(['1#1', '1#2', '1#3']));
    expect(before.every((s) => s.startsWith('1#'))).toBe(true);
  });

  test('past maxDeliveries the event goes to the dead-letter topic with its error, and the next one is handled', async () => {
    const t = topicsOfTest();
    const handled: number[] = [];
    const letters: Delivery[] = [];
    const b = bus(t);
    await b.subscribe('participant', [t.work], async (d) => {
      if (d.payload.n === 1) throw new Error(`cannot apply ${String(d.payload.n)}`);
      handled.push(d.payload.n as number);
    });
    await b.subscribe('orchestrator', [t.dead], async (d) => void letters.push(d));
    await b.publish(event(t.work, 'c-7', 1));
    await b.publish(event(t.work, 'c-7', 2));
    await until('a dead letter', () => letters.length >= 1);
    await until('the next event', () => handled.includes(2));
    expect(letters[0].key).toBe('c-7');
    expect(letters[0].payload).toMatchObject({ topic: t.work, group: 'participant', key: 'c-7', payload: { n: 1 }, error: 'cannot apply 1', attempts: 3 });
    expect(new Set(handled)).toEqual(new Set([2]));
  });

  test('an unreadable record is dead-lettered with its raw value, not lost and not blocking', async () => {
    const t = topicsOfTest();
    const letters: Delivery[] = [];
    const handled: unknown[] = [];
    const b = bus(t);
    await b.subscribe('participant', [t.work], async (d) => void handled.push(d.payload.n));
    await b.subscribe('orchestrator', [t.dead], async (d) => void letters.push(d));
    await publishRaw('kafka', t.work, 'c-1', 'not json');
    await b.publish(event(t.work, 'c-1', 2));
    await until('the dead letter and the next event', () => letters.length >= 1 && handled.length >= 1);
    expect(letters[0].payload).toMatchObject({ payload: 'not json', error: expect.stringContaining('unreadable'), attempts: 1 });
    expect(new Set(handled)).toEqual(new Set([2]));
  });

  test('an offset is committed only after the handler resolved: an event in flight when its consumer stops is delivered to the next one', async () => {
    const t = topicsOfTest();
    const group = `g-${randomUUID().slice(0, 6)}`;
    let attempts = 0;
    const first = bus(t, { maxDeliveries: 100 });
    await first.subscribe(group, [t.work], async () => {
      attempts++;
      throw new Error('not yet');
    });
    await first.publish(event(t.work, 'k', 1));
    await until('a failed attempt', () => attempts >= 1);
    await first.close();
    buses.splice(buses.indexOf(first), 1);

    const got: Delivery[] = [];
    const second = bus(t);
    await second.subscribe(group, [t.work], async (d) => void got.push(d));
    await until('the redelivery', () => got.length >= 1);
    expect(got[0].payload).toMatchObject({ n: 1 });
  });

  test('handled records are committed within commitEveryMs while the consumer runs, every partition at once, and the rest at a stop: a new member gets none of them again', async () => {
    const t = topicsOfTest();
    const group = `g-${randomUUID().slice(0, 6)}`;
    const handled: Delivery[] = [];
    const first = bus(t, { commitEveryMs: 300 });
    await first.subscribe(group, [t.work], async (d) => void handled.push(d));
    // Keys on all three partitions.
    await first.publishBatch(Array.from({ length: 30 }, (_, n) => event(t.work, `k${n % 10}`, n)));
    await until('30 handled', () => handled.length >= 30);
    expect(new Set(handled.map((d) => d.id.split('/')[0])).size).toBe(3);

    // Without a stop (a member that dies now loses nothing handled more than commitEveryMs ago).
    const admin = new Admin({ clientId: 'test', bootstrapBrokers: [KAFKA_BROKERS] });
    const committed = async () => {
      const [offsets] = await admin.listConsumerGroupOffsets({ groups: [kafkaGroupId(group, [t.work])] });
      return offsets.topics.flatMap((topic) => topic.partitions).reduce((sum, p) => sum + Math.max(0, Number(p.committedOffset)), 0);
    };
    try {
      await until('30 committed', async () => (await committed()) === 30, 5_000);
      // Records handled just before a stop are committed by it.
      await first.publish(event(t.work, 'k1', 30));
      await until('31 handled', () => handled.length >= 31);
      await first.close();
      buses.splice(buses.indexOf(first), 1);
      expect(await committed()).toBe(31);
    } finally {
      await admin.close();
    }

    const got: Delivery[] = [];
    const second = bus(t);
    await second.subscribe(group, [t.work], async (d) => void got.push(d));
    await second.publish(event(t.work, 'k2', 31));
    await until('the new event', () => got.length >= 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(got.map((d) => (d.payload as { n: number }).n)).toEqual([31]);
  });

  test('the broker goes away after the consumer joined and comes back: the service keeps running and handles what comes next', async () => {
    // A broker of the test's own (the shared one is never stopped), on the same data when it comes back.
    const own = await reserveOwnKafka();
    try {
      await own.start();
      const t = topicsOfTest();
      const got: number[] = [];
      const lines: string[] = [];
      const watched = createLogger({ name: 'kafka-bus-test', level: 'info' }, { write: (line: string) => void lines.push(line) });
      const b = createKafkaBus({ brokers: [own.brokers], clientId: 'test', topics: [t.work, t.dead], partitions: 3, deadLetterTopic: t.dead, maxDeliveries: 3, redeliverAfterMs: 100 }, watched);
      buses.push(b);
      await b.subscribe('g', [t.work], async (d) => void got.push(d.payload.n as number));
      await b.publish(event(t.work, 'k', 1));
      await until('the first event', () => got.includes(1));

      await own.stop();
      // Longer than the client's own retries (3, a second apart): its stream gives up, the bus joins again.
      await new Promise((r) => setTimeout(r, 8_000));
      await own.start();
      await b.publish(event(t.work, 'k', 2));
      await until('the event published after the broker came back', () => got.includes(2), 60_000);
      expect(got.filter((n) => n === 1).length).toBeGreaterThanOrEqual(1);
      // What an operator reads meanwhile (docs/operations.md): the consumer lost the broker, and it joined again.
      const messages = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
      // Either the client rode the outage out on its own retries (a loaded machine may take longer to
      // stop the broker than those last), or the bus saw its stream give up; then it says so, and
      // that it joined again: never a consumer left stopped.
      if (messages.includes('kafka consumer stopped; joining again')) expect(messages).toContain('kafka consumer joined again');
    } finally {
      await Promise.all(buses.splice(0).map((b) => b.close()));
      await own.remove();
    }
  }, 180_000);

  test('the broker frozen (SIGSTOP): a publish fails within its bound instead of hanging, the same bus publishes again once it thaws, and a close while frozen ends', async () => {
    const own = await reserveOwnKafka();
    let frozen = false;
    const freeze = (on: boolean) => {
      process.kill(own.pid(), on ? 'SIGSTOP' : 'SIGCONT');
      frozen = on;
    };
    try {
      await own.start();
      const t = topicsOfTest();
      const got: number[] = [];
      const b = createKafkaBus({ brokers: [own.brokers], clientId: 'test', topics: [t.work, t.dead], partitions: 3, deadLetterTopic: t.dead, maxDeliveries: 3, redeliverAfterMs: 100, answerWithinMs: 2000 }, logger);
      await b.subscribe('g', [t.work], async (d) => void got.push(d.payload.n as number));
      await b.publish(event(t.work, 'k', 1));
      await until('the first event', () => got.includes(1));

      freeze(true);
      const sentAt = Date.now();
      await expect(b.publish(event(t.work, 'k', 2))).rejects.toThrow('kafka: no answer to a publish within 2000 ms');
      expect(Date.now() - sentAt).toBeLessThan(8_000);
      freeze(false);
      // The producer that did not answer was dropped: the next publish makes a new one, and it is delivered.
      await b.publish(event(t.work, 'k', 3));
      await until('the event published after the thaw', () => got.includes(3), 60_000);

      freeze(true);
      const closingAt = Date.now();
      await b.close();
      // Each step of closing (commits, the stream, the consumer, the producer) waits 2 s at most.
      expect(Date.now() - closingAt).toBeLessThan(15_000);
    } finally {
      if (frozen) freeze(false);
      await own.remove();
    }
  }, 180_000);
});
