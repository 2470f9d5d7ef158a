import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type LogEntry, type Producer } from 'kafkajs';
import type { Logger } from '../http/logger';
import { deadLetterOf, errorText, type DeadLetter, type Delivery, type EventBus, type EventBusOptions, type OutgoingEvent } from './event-bus';
import { fromKafkaMessage, kafkaGroupId, toKafkaMessage } from './kafka-codec';
import { traceDeliveries, withTraceHeaders } from './trace-events';

export interface KafkaBusOptions extends EventBusOptions {
  brokers: string[];
  clientId: string;
  /** Every topic this service publishes to or reads, created at start if missing. */
  topics: string[];
  /** Partitions of a topic this bus creates (the key, a contract number, picks one). */
  partitions: number;
  /** Partitions one consumer works on at the same time (order is kept within each). */
  concurrency?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** kafkajs logs through our logger: its errors are retried internally, so they are warnings here. */
const logCreator = (logger: Logger) => () => (entry: LogEntry) => {
  const { message, ...extra } = entry.log;
  const fields = { kafka: entry.namespace, ...extra };
  if (entry.level <= logLevel.WARN) logger.warn(fields, `kafka: ${message}`);
  else logger.debug(fields, `kafka: ${message}`);
};

/** Thrown out of a redelivery loop when the bus closes: the record stays uncommitted. */
class BusClosing extends Error {}

/**
 * Kafka adapter (kafkajs 2.2.4, checked against Apache Kafka 4.4 — see docs/toolchain.md). At
 * least once: a record's offset is committed only after its handler resolved (the
 * handler's transaction committed). A failing handler is retried in place, `redeliverAfterMs`
 * apart, which keeps the partition's order (one contract's events are never overtaken); after
 * `maxDeliveries` the record goes to the dead-letter topic with its last error and is committed.
 * The delivery count lives in this process: a restart (or a rebalance) starts it again at 1.
 * Kafka has no per-subscription group, so each subscription's group is `<group>@<topics>`: the
 * same service instances share it (and split the partitions); nothing else does.
 */
export function createKafkaBus(options: KafkaBusOptions, logger: Logger, kafka = new Kafka({ clientId: options.clientId, brokers: options.brokers, logLevel: logLevel.INFO, logCreator: logCreator(logger) })): EventBus {
  let producer: Promise<Producer> | undefined;
  let topicsReady: Promise<void> | undefined;
  const consumers: Consumer[] = [];
  let closed = false;

  const once = <T>(make: () => Promise<T>, reset: () => void) =>
    make().catch((err: unknown) => {
      reset();
      throw err;
    });
  const connectedProducer = () =>
    (producer ??= once(
      async () => {
        const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
        await p.connect();
        return p;
      },
      () => (producer = undefined),
    ));
  /** The topics, with this deployment's partition count; existing ones are left as they are. */
  const ensureTopics = () =>
    (topicsReady ??= once(
      async () => {
        const admin: Admin = kafka.admin();
        await admin.connect();
        try {
          const existing = new Set(await admin.listTopics());
          const missing = options.topics.filter((t) => !existing.has(t));
          if (missing.length > 0) {
            await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: options.partitions })) });
            logger.info({ topics: missing, partitions: options.partitions }, 'kafka topics created');
          }
        } finally {
          await admin.disconnect();
        }
      },
      () => (topicsReady = undefined),
    ));
  const publish = async (event: OutgoingEvent) => {
    await ensureTopics();
    await (await connectedProducer()).send({ topic: event.topic, acks: -1, messages: [toKafkaMessage(withTraceHeaders(event))] });
  };

  /** One produce request per batch, records grouped by topic in their order (order matters per key only). */
  const publishBatch = async (events: OutgoingEvent[]) => {
    if (events.length === 0) return;
    await ensureTopics();
    const byTopic = new Map<string, ReturnType<typeof toKafkaMessage>[]>();
    for (const event of events) {
      const list = byTopic.get(event.topic) ?? [];
      list.push(toKafkaMessage(withTraceHeaders(event)));
      byTopic.set(event.topic, list);
    }
    await (await connectedProducer()).sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  };

  return {
    kind: 'kafka',
    publish,
    publishBatch,
    subscribe: async (group, topics, untraced) => {
      const handler = traceDeliveries(group, untraced);
      await ensureTopics();
      // maxWaitTimeInMs bounds a fetch's long poll, and so how long a stop waits for it.
      const consumer = kafka.consumer({ groupId: kafkaGroupId(group, topics), sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 1000, retry: { retries: 10 } });
      consumers.push(consumer);
      await consumer.connect();
      // From the beginning: events published before this group first existed are not lost.
      await consumer.subscribe({ topics, fromBeginning: true });
      // Ready means consuming: subscribe resolves once this member has joined its group (so a
      // service reports ready only when it reads its topics), or after 30 s with a warning.
      const joined = new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          logger.warn({ group, topics }, 'kafka consumer has not joined its group after 30 s; going on');
          resolve();
        }, 30_000);
        const off = consumer.on(consumer.events.GROUP_JOIN, () => {
          clearTimeout(timer);
          off();
          resolve();
        });
      });
      const retryWait = Math.min(options.redeliverAfterMs, 5000);
      await consumer.run({
        autoCommit: true,
        autoCommitThreshold: 1, // commit each record as soon as its handler resolved
        partitionsConsumedConcurrently: options.concurrency ?? 1,
        eachMessage: async (payload) => {
          const { topic, partition, message } = payload;
          const deadLetter = async (letter: DeadLetter) => {
            if (topic !== options.deadLetterTopic) await publish({ topic: options.deadLetterTopic, key: letter.key, payload: { ...letter } });
            logger.error({ topic, id: letter.id, group, attempts: letter.attempts, error: letter.error }, 'event dead-lettered');
          };
          let delivery: Delivery;
          try {
            delivery = fromKafkaMessage(topic, partition, message);
          } catch (err) {
            const id = `${partition}/${message.offset}`;
            const payload = message.value?.toString() ?? '';
            await deadLetter({ topic, group, id, key: message.key?.toString() ?? '', payload, error: `unreadable: ${errorText(err)}`, attempts: 1, at: new Date().toISOString() });
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
              if (closed) {
                // Not committed: whoever reads this partition next delivers it again.
                payload.pause();
                throw new BusClosing('bus closing');
              }
              await payload.heartbeat(); // throws when the group rebalanced: the new owner redelivers
            }
          }
          await deadLetter(deadLetterOf(delivery, group, lastError, options.maxDeliveries));
        },
      });
      await joined;
    },
    close: async () => {
      closed = true;
      await Promise.all(consumers.map((c) => c.disconnect()));
      if (producer) await (await producer.catch(() => undefined))?.disconnect();
    },
  };
}
