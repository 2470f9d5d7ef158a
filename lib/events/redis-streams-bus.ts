import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../http/logger';
import { createRedis } from '../redis/create-redis';
import { decodeEvent, encodeEvent } from './event-codec';
import { traceDeliveries, withTraceHeaders } from './trace-events';
import { deadLetterOf, errorText, type Delivery, type EventBus, type EventBusOptions, type EventHandler, type OutgoingEvent } from './event-bus';

type StreamEntry = [id: string, fields: string[] | null];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Streams are capped (approximately) so that a forgotten deployment cannot fill Redis. */
const MAX_STREAM_LENGTH = '100000';
const BATCH = 32;

/**
 * Redis Streams adapter: one stream per topic, one consumer group per service. A message is
 * XACKed only after its handler resolved (its transaction committed); one that failed, or that a
 * dead consumer held, is XAUTOCLAIMed after `redeliverAfterMs` and delivered again; past
 * `maxDeliveries` (counted by Redis, so it survives restarts) it goes to the dead-letter stream.
 */
export function createRedisStreamsBus(url: string, logger: Logger, options: EventBusOptions): EventBus {
  const writer = createRedis(url, logger, { lazyConnect: false, outageMessage: 'event bus (redis) unavailable; retrying in the background' });
  const readers: Redis[] = [];
  const loops: Promise<void>[] = [];
  let closed = false;
  /** Resolves on close: releases a consumer waiting for a connection that may never come. */
  let release = () => undefined as void;
  const closing = new Promise<void>((resolve) => (release = resolve));
  const blockMs = Math.max(20, Math.min(1000, Math.floor(options.redeliverAfterMs / 2)));

  /** An entry is `key`, `payload` and, when there are any, `headers` (a JSON object of strings). */
  const entryOf = (event: OutgoingEvent): [string, ...string[]] => {
    const { topic, key, payload, headers } = withTraceHeaders(event);
    const extra = headers && Object.keys(headers).length > 0 ? ['headers', JSON.stringify(headers)] : [];
    return [topic, 'MAXLEN', '~', MAX_STREAM_LENGTH, '*', 'key', key, 'payload', encodeEvent(payload), ...extra];
  };
  const publish = async (event: OutgoingEvent) => {
    await writer.xadd(...entryOf(event));
  };
  /** One pipeline: the XADDs go in order on one connection, answered together. */
  const publishBatch = async (events: OutgoingEvent[]) => {
    if (events.length === 0) return;
    const pipeline = writer.pipeline();
    for (const event of events) pipeline.xadd(...entryOf(event));
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed || results.length !== events.length) throw failed?.[0] ?? new Error('the pipeline was not answered');
  };

  const consume = async (group: string, topics: string[], handler: EventHandler, reader: Redis) => {
    const consumer = `${group}-${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    const lastErrors = new Map<string, string>();
    let groupsReady = false;
    let nextClaim = 0;

    const ensureGroups = async () => {
      for (const topic of topics) {
        // From the stream's start: events published before this group existed are not lost.
        await writer.xgroup('CREATE', topic, group, '0', 'MKSTREAM').catch((err: Error) => {
          if (!err.message.includes('BUSYGROUP')) throw err;
        });
      }
      groupsReady = true;
    };
    const deadLetter = async (delivery: Delivery, error: string, attempts: number) => {
      if (delivery.topic !== options.deadLetterTopic) {
        await publish({ topic: options.deadLetterTopic, key: delivery.key, payload: { ...deadLetterOf(delivery, group, error, attempts) } });
      }
      logger.error({ topic: delivery.topic, id: delivery.id, group, attempts, error }, 'event dead-lettered');
      await writer.xack(delivery.topic, group, delivery.id);
      lastErrors.delete(`${delivery.topic} ${delivery.id}`);
    };
    const handle = async (topic: string, [id, fields]: StreamEntry, deliveries: number) => {
      const at = `${topic} ${id}`;
      if (!fields) {
        await writer.xack(topic, group, id); // trimmed from the stream before it could be handled
        return;
      }
      const field = (name: string) => fields[fields.indexOf(name) + 1] ?? '';
      let delivery: Delivery;
      try {
        delivery = { topic, id, key: field('key'), payload: decodeEvent(field('payload')), deliveries };
        const headers = headersOf(fields);
        if (headers) delivery.headers = headers;
      } catch (err) {
        await deadLetter({ topic, id, key: field('key'), payload: {}, deliveries }, `unreadable: ${errorText(err)}`, deliveries);
        return;
      }
      if (deliveries > options.maxDeliveries) {
        await deadLetter(delivery, lastErrors.get(at) ?? `not acknowledged after ${deliveries - 1} deliveries`, deliveries - 1);
        return;
      }
      try {
        await handler(delivery);
      } catch (err) {
        lastErrors.set(at, errorText(err));
        logger.warn({ topic, id, group, deliveries, err: errorText(err) }, 'event handler failed; it will be delivered again');
        return;
      }
      await writer.xack(topic, group, id);
      lastErrors.delete(at);
    };
    /**
     * A read's entries, one key's in order and different keys' at the same time: a handler mostly
     * waits for its database commit, and one contract's events (one key) never overtake each other.
     */
    const handleBatch = async (read: [string, StreamEntry[]][]) => {
      const byKey = new Map<string, [string, StreamEntry][]>();
      for (const [topic, entries] of read) {
        for (const entry of entries) {
          const fields = entry[1];
          const key = fields ? (fields[fields.indexOf('key') + 1] ?? '') : '';
          const list = byKey.get(key) ?? [];
          list.push([topic, entry]);
          byKey.set(key, list);
        }
      }
      await Promise.all([...byKey.values()].map(async (list) => {
        for (const [topic, entry] of list) await handle(topic, entry, 1);
      }));
    };
    const claimStale = async () => {
      for (const topic of topics) {
        const [, entries] = (await writer.xautoclaim(topic, group, consumer, options.redeliverAfterMs, '0-0', 'COUNT', BATCH)) as [string, StreamEntry[]];
        for (const entry of entries) {
          const pending = (await writer.xpending(topic, group, entry[0], entry[0], 1)) as [string, string, number, number][];
          await handle(topic, entry, Number(pending[0]?.[3] ?? options.maxDeliveries + 1));
        }
      }
    };

    while (!closed) {
      try {
        // Without an offline queue a command sent while connecting fails: wait for the connection
        // instead (an outage is logged once, by the client, not by every retry here).
        await whenReady(writer, closing);
        await whenReady(reader, closing);
        if (closed) break;
        if (!groupsReady) await ensureGroups();
        if (Date.now() >= nextClaim) {
          await claimStale();
          nextClaim = Date.now() + blockMs;
        }
        const read = await reader.xreadgroup('GROUP', group, consumer, 'COUNT', BATCH, 'BLOCK', blockMs, 'STREAMS', ...topics, ...topics.map(() => '>'));
        await handleBatch(read ?? []);
      } catch (err) {
        if (closed) break;
        if (errorText(err).includes('NOGROUP')) groupsReady = false;
        logger.warn({ group, err: errorText(err) }, 'event consumer: redis call failed; retrying');
        await sleep(250);
      }
    }
  };

  return {
    kind: 'redis',
    publish,
    publishBatch,
    subscribe: async (group, topics, untraced) => {
      const handler = traceDeliveries(group, untraced);
      // Blocking reads need their own connection, without a command timeout.
      const reader = createRedis(url, logger, { lazyConnect: false, commandTimeoutMs: 0, outageLevel: 'warn' });
      readers.push(reader);
      loops.push(consume(group, topics, handler, reader));
    },
    close: async () => {
      closed = true;
      release();
      for (const reader of readers) reader.disconnect();
      await Promise.all(loops);
      await writer.quit().catch(() => writer.disconnect());
    },
  };
}

/** Resolves once the client can take commands, when it has ended, or on `closing`. */
function whenReady(client: Redis, closing: Promise<void>): Promise<void> | undefined {
  if (client.status === 'ready' || client.status === 'end') return undefined;
  let done = () => undefined as void;
  const settled = new Promise<void>((resolve) => {
    done = () => (client.off('ready', done), client.off('end', done), resolve());
    client.once('ready', done);
    client.once('end', done);
  });
  return Promise.race([settled, closing.then(done)]);
}

/** The entry's headers; unreadable ones are dropped (they only carry trace context). */
function headersOf(fields: string[]): Record<string, string> | undefined {
  const at = fields.findIndex((name, i) => i % 2 === 0 && name === 'headers');
  if (at < 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(fields[at + 1] ?? '');
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const entries = Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string');
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  } catch {
    return undefined;
  }
}
