import { decodeEvent, encodeEvent } from './event-codec';
import type { Delivery, OutgoingEvent } from './event-bus';

/** A record to produce: the Kafka client's `MessageToProduce` with string key, value and headers. */
export interface KafkaRecordOut {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** A consumed record as the Kafka client hands it over (raw bytes; headers keyed by bytes). */
export interface KafkaRecordIn {
  key?: Buffer | null;
  value?: Buffer | null;
  offset: bigint | string;
  headers?: Map<Buffer | string, Buffer | string | undefined>;
}

/**
 * An event as a Kafka record: the key (the contract number) picks the partition, so one
 * contract's events stay in order; the value is the JSON payload; the event name rides in a header
 * so that tools can route without parsing the value.
 */
export function toKafkaMessage(event: OutgoingEvent): KafkaRecordOut {
  const eventName = event.payload.eventName;
  return {
    topic: event.topic,
    key: event.key,
    value: encodeEvent(event.payload),
    headers: { ...event.headers, ...(typeof eventName === 'string' ? { eventName } : {}) },
  };
}

/** A consumed record as a delivery; the id is partition/offset, unique within the topic. */
export function fromKafkaMessage(topic: string, partition: number, message: KafkaRecordIn, deliveries = 1): Delivery {
  const delivery: Delivery = {
    topic,
    id: `${partition}/${message.offset}`,
    key: message.key?.toString() ?? '',
    payload: decodeEvent(message.value),
    deliveries,
  };
  const headers = stringHeaders(message.headers);
  if (headers) delivery.headers = headers;
  return delivery;
}

/** Record headers as strings (the event name is the payload's own, so it is left out). */
function stringHeaders(raw: KafkaRecordIn['headers']): Record<string, string> | undefined {
  const entries = [...(raw ?? new Map<Buffer | string, Buffer | string | undefined>())].flatMap(([name, value]) => {
    const key = name.toString();
    return key === 'eventName' || value === undefined ? [] : [[key, value.toString()] as const];
  });
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/**
 * The Kafka consumer group of one subscription: the service's group plus its topics, sorted.
 * Members of one Kafka group must subscribe to the same topics (the assignor hands every member
 * a share of every topic), and a service may subscribe twice under one group name (MS1: replies,
 * dead letters) — so each subscription gets its own group, shared by the instances of the service.
 */
export function kafkaGroupId(group: string, topics: string[]): string {
  return `${group}@${[...topics].sort().join(',')}`;
}
