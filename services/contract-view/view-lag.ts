import { Redis } from 'ioredis';
import { Admin } from '@platformatic/kafka';
import { kafkaGroupId } from '../../lib/events/kafka-codec';
import { kafkaTopicOffsets } from '../../lib/events/kafka-topic-offsets';
import { errorText } from '../../lib/events/event-bus';
import type { Logger } from '../../lib/http/logger';
import type { ContractViewConfig } from '../../config/contract-view-config';

export interface ViewLag {
  /** Change events published and not yet applied by the view's consumer group; null: cannot be measured. */
  events: number | null;
  /** Age of the oldest of them (0 when none); null: cannot be measured. */
  seconds: number | null;
  measuredAt: string;
  error?: string;
}

export interface LagProbe {
  measure(): Promise<ViewLag>;
  close(): Promise<void>;
}

/** Redis stream ids start with the entry's time in milliseconds. */
const idMillis = (id: string) => Number(id.split('-')[0]);

/**
 * The consumer group's lag, read from the broker (not from the consumer), so that any instance —
 * also one whose consumer is stopped or frozen — reports it. Redis Streams: exact (XINFO GROUPS
 * `lag` + `pending`; the oldest entry not acknowledged dates the lag). Kafka: events exact (end
 * offsets minus the group's committed offsets); seconds since the probe first saw the group behind
 * (Kafka's admin API cannot read a record's time; probed every second), so a lower bound.
 * In-process bus: not measurable from outside the consumer (null).
 */
export function createLagProbe(config: ContractViewConfig, topic: string, group: string, logger: Logger): LagProbe {
  if (config.eventBus === 'redis' && config.redisUrl) return redisLag(config.redisUrl, topic, group);
  if (config.eventBus === 'kafka') return kafkaLag(config.kafkaBrokers, topic, group, logger);
  return { measure: async () => ({ events: null, seconds: null, measuredAt: new Date().toISOString() }), close: async () => undefined };
}

function redisLag(url: string, topic: string, group: string): LagProbe {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: true });
  const measure = async (): Promise<ViewLag> => {
    const now = Date.now();
    const length = Number(await redis.xlen(topic));
    const groups = (await redis.xinfo('GROUPS', topic).catch(() => [])) as unknown[][];
    const info = groups.map((g) => Object.fromEntries(Array.from({ length: g.length / 2 }, (_, i) => [String(g[2 * i]), g[2 * i + 1]]))).find((g) => g.name === group);
    let oldest: string | undefined;
    let events: number;
    if (!info) {
      // The group does not exist yet: everything in the stream is still to apply.
      events = length;
      const first = (await redis.xrange(topic, '-', '+', 'COUNT', 1)) as [string, string[]][];
      oldest = first[0]?.[0];
    } else {
      const pending = Number(info.pending ?? 0);
      const lastId = String((info['last-delivered-id'] as string | undefined) ?? '0-0');
      const after = (await redis.xrange(topic, `(${lastId}`, '+', 'COUNT', 1)) as [string, string[]][];
      const undelivered = info.lag === null || info.lag === undefined ? (after.length > 0 ? Number((await redis.xrange(topic, `(${lastId}`, '+')).length) : 0) : Number(info.lag);
      events = pending + undelivered;
      if (pending > 0) oldest = String((await redis.xpending(topic, group))[1]);
      else oldest = after[0]?.[0];
    }
    const seconds = events > 0 && oldest ? Math.max(0, (now - idMillis(oldest)) / 1000) : 0;
    return { events, seconds, measuredAt: new Date(now).toISOString() };
  };
  return {
    measure: () => measure().catch((err: unknown) => ({ events: null, seconds: null, measuredAt: new Date().toISOString(), error: errorText(err) })),
    close: async () => {
      redis.disconnect();
    },
  };
}

function kafkaLag(brokers: string[], topic: string, group: string, logger: Logger): LagProbe {
  // The client connects on first use and again after a broker comes back.
  const admin = new Admin({ clientId: 'contract-view-lag', bootstrapBrokers: brokers });
  admin.on('error', () => undefined);
  let behindSince: number | undefined;
  const measure = async (): Promise<ViewLag> => {
    const now = Date.now();
    const ends = await kafkaTopicOffsets(admin, topic);
    const groupId = kafkaGroupId(group, [topic]);
    const [committed] = await admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: [{ name: topic, partitionIndexes: ends.map((p) => p.partition) }] }] });
    const at = new Map((committed?.topics.find((t) => t.name === topic)?.partitions ?? []).map((p) => [p.partitionIndex, p.committedOffset]));
    let events = 0;
    for (const p of ends) {
      const done = at.get(p.partition) ?? -1n;
      events += Math.max(0, Number(p.high - (done >= 0n ? done : p.low)));
    }
    if (events === 0) behindSince = undefined;
    else behindSince ??= now;
    return { events, seconds: behindSince === undefined ? 0 : (now - behindSince) / 1000, measuredAt: new Date(now).toISOString() };
  };
  const safe = () =>
    measure().catch((err: unknown) => {
      logger.warn({ err: errorText(err) }, 'contract view: lag probe failed');
      return { events: null, seconds: null, measuredAt: new Date().toISOString(), error: errorText(err) };
    });
  // Probed every second whether or not anyone asks, so that `behindSince` dates the lag to within a second.
  let ticking: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    ticking ??= safe().finally(() => (ticking = undefined));
  }, 1000);
  timer.unref();
  return {
    measure: safe,
    close: async () => {
      clearInterval(timer);
      await ticking;
      await admin.close().catch(() => undefined);
    },
  };
}
