import type { KafkaMessage, Message } from 'kafkajs';
import { decodeEvent, encodeEvent } from './event-codec';
import type { Delivery, OutgoingEvent } from './event-bus';

/**
 * An event as a Kafka record: the key (the contract number) picks the partition, so one
 * contract's events stay in order; the value is the JSON payload; the event name rides in a header
 * so that tools can route without parsing the value.
 */
export function toKafkaMessage(event: OutgoingEvent): Message {
  const eventName = event.payload.eventName;
  return {
    key: event.key,
    value: encodeEvent(event.payload),
    headers: { ...event.headers, ...(typeof eventName === 'string' ? { eventName } : {}) },
  };
}

/** A consumed record as a delivery; the id is partition/offset, unique within the topic. */
export function fromKafkaMessage(topic: string, partition: number, message: Pick<KafkaMessage, 'key' | 'value' | 'offset'> & { headers?: KafkaMessage['headers'] }, deliveries = 1): Delivery {
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
function stringHeaders(raw: KafkaMessage['headers']): Record<string, string> | undefined {
  const entries = Object.entries(raw ?? {}).flatMap(([name, value]) => {
    const one = Array.isArray(value) ? value[0] : value;
    return name === 'eventName' || one === undefined ? [] : [[name, one.toString()] as const];
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
