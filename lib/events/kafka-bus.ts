import { Admin, compatibilityPartitioner, Consumer, ProduceAcks, Producer, stringSerializers, type Message, type MessagesStream } from '@platformatic/kafka';
import type { Logger } from '../http/logger';
import { deadLetterOf, errorText, type DeadLetter, type Delivery, type EventBus, type EventBusOptions, type OutgoingEvent } from './event-bus';
import { fromKafkaMessage, kafkaGroupId, toKafkaMessage, type KafkaRecordOut } from './kafka-codec';
import { traceDeliveries, withTraceHeaders } from './trace-events';
import { settleWithin } from '../async/settle-within';

export interface KafkaBusOptions extends EventBusOptions {
  brokers: string[];
  clientId: string;
  /** Every topic this service publishes to or reads, created at start if missing. */
  topics: string[];
  /** Partitions of a topic this bus creates (the key, a contract number, picks one). */
  partitions: number;
  /** Records one subscription handles at the same time, of different keys (one key's stay in order). */
  concurrency?: number;
  /** How long a publish, or a step of closing, may wait for the broker (15 s unless told). */
  answerWithinMs?: number;
  /** How long a finished record's offset may wait to be committed with others (100 ms unless told). */
  commitEveryMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Records read ahead of their handlers before the stream pauses (and resumes below a fifth of it). */
const READ_AHEAD = 200;
/** How long a publish, or a step of closing, waits for the broker by default (the client's own retries included). */
const ANSWER_WITHIN_MS = 15_000;
/** How long a finished record's offset waits, by default, to be committed with others. */
const COMMIT_EVERY_MS = 100;
/** The broker's answer when a topic exists already (another instance created it first). */
const TOPIC_ALREADY_EXISTS = /already exists/i;

/** Thrown out of a redelivery loop when the record is no longer this member's to handle. */
class NotMine extends Error {}

/**
 * Kafka adapter (@platformatic/kafka, checked against Apache Kafka 4.4 — see docs/toolchain.md). At
 * least once: a record's offset is committed only after its handler resolved (the
 * handler's transaction committed). A failing handler is retried in place, `redeliverAfterMs`
 * apart, which keeps the partition's order (one contract's events are never overtaken); after
 * `maxDeliveries` the record goes to the dead-letter topic with its last error and is committed.
 * The delivery count lives in this process: a restart (or a rebalance) starts it again at 1.
 * Kafka has no per-subscription group, so each subscription's group is `<group>@<topics>`: the
 * same service instances share it (and split the partitions); nothing else does.
 *
 * The client hands over one stream of records of all assigned partitions; each partition gets its
 * own queue here. Records of different keys (contracts) run side by side, `concurrency` at a time;
 * one key's run one after another, in offset order, so a record waiting for its redelivery holds
 * back its own key only. A partition's offset is committed up to the first record not finished, every `commitEveryMs` at most, all partitions in one request.
 */
export function createKafkaBus(options: KafkaBusOptions, logger: Logger): EventBus {
  const client = { clientId: options.clientId, bootstrapBrokers: options.brokers };
  const answerWithinMs = options.answerWithinMs ?? ANSWER_WITHIN_MS;
  const commitEveryMs = options.commitEveryMs ?? COMMIT_EVERY_MS;
  /** A step of closing, given answerWithinMs at most (a frozen broker): a close never waits for good. */
  const bounded = (promise: Promise<unknown>) => settleWithin(promise, answerWithinMs, () => undefined);
  let producer: Producer<string, string, string, string> | undefined;
  let topicsReady: Promise<void> | undefined;
  const subscriptions: { stop: () => Promise<void> }[] = [];
  let closed = false;

  const connectedProducer = () => {
    if (!producer) {
      // The Java client's partitioner (murmur2, positive): a key lands where kafkajs and Kafka's own tools put it.
      producer = new Producer({ ...client, idempotent: true, acks: ProduceAcks.ALL, serializers: stringSerializers, partitioner: compatibilityPartitioner });
      producer.on('error', (err: unknown) => logger.warn({ err: errorText(err) }, 'kafka producer: error'));
    }
    return producer;
  };
  /** The topics, with this deployment's partition count; existing ones are left as they are. */
  const ensureTopics = () =>
    (topicsReady ??= (async () => {
      const admin = new Admin(client);
      admin.on('error', () => undefined);
      try {
        const existing = new Set(await admin.listTopics());
        const missing = options.topics.filter((t) => !existing.has(t));
        if (missing.length > 0) {
          await admin.createTopics({ topics: missing, partitions: options.partitions, replicas: 1 }).catch((err: unknown) => {
            if (!TOPIC_ALREADY_EXISTS.test(allMessages(err))) throw err;
          });
          logger.info({ topics: missing, partitions: options.partitions }, 'kafka topics created');
        }
        await waitForLeaders(admin, options.topics);
      } finally {
        await admin.close().catch(() => undefined);
      }
    })().catch((err: unknown) => {
      topicsReady = undefined;
      throw explained(err);
    }));
  /**
   * One produce request, answered within answerWithinMs or failed: a producer that does not answer
   * (a frozen broker, a stuck client) is closed and the next publish makes a new one, so nothing
   * holds the outbox, or a shutdown, for good. A send that failed this way may still have landed: at
   * least once.
   */
  const send = async (messages: KafkaRecordOut[]) => {
    await ensureTopics();
    const current = connectedProducer();
    await settleWithin(current.send({ messages }), answerWithinMs, () => {
      if (producer === current) producer = undefined;
      void current.close(true).catch(() => undefined);
      throw new Error(`kafka: no answer to a publish within ${answerWithinMs} ms`);
    });
  };
  const publish = (event: OutgoingEvent) => send([toKafkaMessage(withTraceHeaders(event))]);
  /** One produce request per batch, in the rows' order (order matters per key only). */
  const publishBatch = async (events: OutgoingEvent[]) => {
    if (events.length > 0) await send(events.map((event) => toKafkaMessage(withTraceHeaders(event))));
  };

  return {
    kind: 'kafka',
    publish,
    publishBatch,
    subscribe: async (group, topics, untraced) => {
      const handler = traceDeliveries(group, untraced);
      await ensureTopics();
      const groupId = kafkaGroupId(group, topics);
      const retryWait = Math.min(options.redeliverAfterMs, 5000);
      const limit = Math.max(1, options.concurrency ?? 1);
      /** One membership of the group: its consumer, its stream and, per partition, the records read and not yet committed. */
      interface Reader {
        consumer: Consumer;
        stream?: MessagesStream<Buffer, Buffer, Buffer, Buffer>;
        partitions: Map<string, PartitionState>;
        /** Records read and not yet finished, over all partitions (the stream pauses at READ_AHEAD). */
        queued: number;
        /** Handlers running now (at most `limit`), and their promises (a stop waits for them). */
        running: Set<Promise<void>>;
        /** Per partition, the last finished record not yet committed; all of them go in the next commit. */
        toCommit: Map<string, Message>;
        /** The next commit's timer, and the commit under way (one at a time; a stop waits for it). */
        commitTimer?: NodeJS.Timeout;
        committing?: Promise<void>;
      }
      /** A record read, in its partition's order, until it and every record before it are finished. */
      interface Pending {
        message: Message;
        key: string;
        started: boolean;
        done: boolean;
      }
      interface PartitionState {
        records: Pending[];
        next: bigint;
      }
      let reader: Reader | undefined;
      const assigned = (c: Consumer, topic: string, partition: number) => (c.assignments ?? []).some((a) => a.topic === topic && a.partitions.includes(partition));
      /** Still this member's to handle: not closing, the same membership, the partition still assigned. */
      const mine = (r: Reader, m: Message) => !closed && reader === r && assigned(r.consumer, m.topic, m.partition);

      const deadLetter = async (topic: string, letter: DeadLetter) => {
        if (topic !== options.deadLetterTopic) await publish({ topic: options.deadLetterTopic, key: letter.key, payload: { ...letter } });
        logger.error({ topic, id: letter.id, group, attempts: letter.attempts, error: letter.error }, 'event dead-lettered');
      };
      const handle = async (r: Reader, message: Message) => {
        const { topic, partition } = message;
        let delivery: Delivery;
        try {
          delivery = fromKafkaMessage(topic, partition, message);
        } catch (err) {
          const id = `${partition}/${message.offset}`;
          await deadLetter(topic, { topic, group, id, key: message.key?.toString() ?? '', payload: message.value?.toString() ?? '', error: `unreadable: ${errorText(err)}`, attempts: 1, at: new Date().toISOString() });
          return;
        }
        let lastError = '';
        for (let deliveries = 1; deliveries <= options.maxDeliveries; deliveries++) {
          try {
            await handler({ ...delivery, deliveries });
            return;
          } catch (err) {
            lastError = errorText(err);
            logger.warn({ topic, id: delivery.id, group, deliveries, err: lastError }, 'event handler failed; it will be delivered again');
            if (deliveries === options.maxDeliveries) break;
            await sleep(retryWait);
            // Closing, or the group rebalanced it away: not committed, whoever reads the partition next delivers it again.
            if (!mine(r, message)) throw new NotMine();
          }
        }
        await deadLetter(topic, deadLetterOf(delivery, group, lastError, options.maxDeliveries));
      };
      /** The partition's records leave this member uncommitted: its next owner (or this member, from the committed offset) reads them again. */
      const drop = (r: Reader, key: string, state: PartitionState) => {
        if (r.partitions.get(key) === state) {
          r.partitions.delete(key);
          r.toCommit.delete(key);
        }
        r.queued -= state.records.length;
        state.records.length = 0;
      };
      /**
       * Starts what may run: in each partition, in offset order, a record whose key has no earlier
       * record still unfinished (one contract's events never overtake each other; different
       * contracts' run side by side), up to `limit` handlers at a time.
       */
      const schedule = (r: Reader) => {
        for (const [key, state] of r.partitions) {
          const held = new Set<string>();
          for (const record of state.records) {
            if (r.running.size >= limit) return;
            if (record.done) continue;
            if (!record.started && !held.has(record.key)) run(r, key, state, record);
            held.add(record.key);
          }
        }
      };
      const run = (r: Reader, key: string, state: PartitionState, record: Pending) => {
        record.started = true;
        const task = (async () => {
          try {
            if (!mine(r, record.message)) throw new NotMine();
            await handle(r, record.message);
            record.done = true;
          } catch (err) {
            if (err instanceof NotMine || !mine(r, record.message)) return drop(r, key, state);
            // The dead letter could not be written (the broker away): the same record again, its key waits.
            logger.warn({ group, partition: key, err: allMessages(err) }, 'kafka: record not finished; it is handled again');
            await sleep(retryWait);
            record.started = false;
          }
        })().finally(() => {
          r.running.delete(task);
          finished(r, key, state);
        });
        r.running.add(task);
      };
      /** The finished records at the head of the partition leave it, the last of them committed; then whatever may run next. */
      const finished = (r: Reader, key: string, state: PartitionState) => {
        let last: Message | undefined;
        while (state.records[0]?.done) {
          last = state.records.shift()?.message;
          r.queued--;
        }
        // Only now: a record not finished, or behind one that is not, is read again.
        if (last && r.partitions.get(key) === state) commitLater(r, key, last);
        if (r.queued < READ_AHEAD / 5 && r.stream?.isPaused()) r.stream.resume();
        if (reader === r && !closed) schedule(r);
      };
      /**
       * Commits finished records' offsets without holding up the next record: every `commitEveryMs`
       * at most, one request for every partition with records finished since the last (the latest
       * offset covers the ones before it), and one commit at a time. So a busy subscription costs a
       * few commits a second, not one per record. A record finished but not yet committed when this
       * member dies or loses the partition is delivered again (at least once, as the handlers
       * expect); a failed commit is covered by the next one.
       */
      const commitLater = (r: Reader, key: string, message: Message) => {
        r.toCommit.set(key, message);
        if (!r.commitTimer && !r.committing) r.commitTimer = setTimeout(() => void commitNow(r), commitEveryMs);
      };
      const commitNow = (r: Reader): Promise<void> => {
        clearTimeout(r.commitTimer);
        r.commitTimer = undefined;
        if (r.committing || r.toCommit.size === 0) return r.committing ?? Promise.resolve();
        const offsets = [...r.toCommit.values()].map((m) => ({ topic: m.topic, partition: m.partition, offset: m.offset + 1n, leaderEpoch: m.leaderEpoch }));
        r.toCommit.clear();
        r.committing = r.consumer
          .commit({ offsets })
          .catch((err: unknown) => logger.warn({ group, partitions: offsets.length, err: allMessages(err) }, 'kafka: offset commit failed; the next one covers it'))
          .finally(() => {
            r.committing = undefined;
            if (r.toCommit.size > 0 && reader === r) r.commitTimer = setTimeout(() => void commitNow(r), commitEveryMs);
          });
        return r.committing;
      };
      const onRecord = (r: Reader, message: Message) => {
        if (reader !== r) return;
        const key = `${message.topic}/${message.partition}`;
        let state = r.partitions.get(key);
        if (!state) r.partitions.set(key, (state = { records: [], next: -1n }));
        // A rebalance makes the stream read again from the committed offset: what is queued is not queued twice.
        if (message.offset < state.next) return;
        if (state.next >= 0n && message.offset > state.next) {
          // These topics have no gaps (no transactions, no compaction): records were skipped, so read again from the committed offsets.
          if (r.stream) void restart(r.stream, new Error(`records ${key} ${state.next}…${message.offset - 1n} were skipped`));
          return;
        }
        state.next = message.offset + 1n;
        state.records.push({ message, key: message.key?.toString() ?? '', started: false, done: false });
        if (++r.queued >= READ_AHEAD) r.stream?.pause();
        schedule(r);
      };

      /** Joins the group and reads; resolves once this member has joined (ready means consuming). */
      const start = async () => {
        // maxWaitTime bounds a fetch's long poll, and so how long a stop waits for it.
        const c = new Consumer({ ...client, groupId, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTime: 1000, autocommit: false });
        c.on('error', (err: unknown) => logger.warn({ group, err: errorText(err) }, 'kafka consumer: error'));
        const r: Reader = { consumer: c, partitions: new Map(), queued: 0, running: new Set(), toCommit: new Map() };
        // Partitions this member lost: their queued records belong to the new owner (records running stop at their next check).
        c.on('consumer:group:join', () => {
          for (const [key, state] of r.partitions) {
            const cut = key.lastIndexOf('/');
            if (!assigned(c, key.slice(0, cut), Number(key.slice(cut + 1))) && !state.records.some((rec) => rec.started && !rec.done)) drop(r, key, state);
          }
        });
        reader = r;
        try {
          // From the beginning: events published before this group first existed are not lost.
          const s = await c.consume({ topics, mode: 'committed', fallbackMode: 'earliest' });
          r.stream = s;
          s.on('data', (message: Message) => onRecord(r, message));
          s.once('error', (err: Error) => void restart(s, err));
        } catch (err) {
          reader = undefined;
          await c.close(true).catch(() => undefined);
          throw explained(err);
        }
      };
      /** A stream the client gave up on (the broker gone for longer than its retries): joined again, with backoff. */
      const restart = async (failed: MessagesStream<Buffer, Buffer, Buffer, Buffer>, err: Error) => {
        const old = reader;
        if (closed || !old || old.stream !== failed) return;
        logger.warn({ group, err: allMessages(err) }, 'kafka consumer stopped; joining again');
        reader = undefined; // its partition queues stop at their next record
        clearTimeout(old.commitTimer);
        await old.consumer.close(true).catch(() => undefined);
        for (let n = 0; !closed; n++) {
          await sleep(Math.min(500 * 2 ** n, 10_000));
          if (closed) return;
          try {
            await start();
            logger.info({ group }, 'kafka consumer joined again');
            return;
          } catch (e) {
            logger.warn({ group, err: allMessages(e) }, 'kafka consumer: joining again failed; retrying');
          }
        }
      };
      await start();
      subscriptions.push({
        stop: async () => {
          const r = reader;
          if (!r) return;
          // Handlers in flight finish and commit (the stream is still there to commit through); queued records stay uncommitted.
          while (r.running.size > 0) await Promise.all([...r.running]);
          // What finished is committed now: the commit under way, then the rest.
          await bounded(commitNow(r).then(() => commitNow(r)));
          reader = undefined;
          if (r.stream) await bounded(r.stream.close().catch(() => undefined));
          await bounded(r.consumer.close(true).catch(() => undefined));
        },
      });
    },
    close: async () => {
      closed = true;
      await Promise.all(subscriptions.map((s) => s.stop()));
      // Sends under way have answerWithinMs at most; then the producer is left whatever it holds.
      if (producer) await bounded(producer.close().catch(() => undefined));
    },
  };
}

/** Every message of an error and its causes, once each (the client wraps the broker's answers and socket errors). */
function allMessages(err: unknown): string {
  const parts: string[] = [];
  const visit = (e: unknown, depth: number) => {
    if (!e || depth > 5) return;
    const text = errorText(e).replace(/\.$/, '');
    if (!parts.includes(text)) parts.push(text);
    const nested = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(nested)) for (const n of nested) visit(n, depth + 1);
    visit((e as { cause?: unknown }).cause, depth + 1);
  };
  visit(err, 0);
  return parts.join(': ');
}

/** The error with its causes in its message: what /readyz and the log show ("… ECONNREFUSED 127.0.0.1:9092"). */
const explained = (err: unknown) => new Error(allMessages(err), { cause: err });

/** Resolves once every partition of the topics has a leader (a topic just created has none for a moment). */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const meta = await admin.metadata({ topics, forceUpdate: true }).catch(() => undefined);
    if (meta && topics.every((t) => meta.topics.get(t)?.partitions.every((p) => p.leader >= 0))) return;
    if (Date.now() > end) throw new Error(`kafka: topics have no leader after ${timeoutMs} ms`);
    await sleep(200);
  }
}
