/** An event to publish: `key` keeps one contract's events in order where the broker partitions. */
export interface OutgoingEvent {
  topic: string;
  key: string;
  payload: Record<string, unknown>;
  /**
   * Message headers (Redis Streams entry fields, Kafka record headers): the W3C trace context
   * (`traceparent`, `tracestate`) of whoever published it. Optional; a bus fills in the active
   * trace context when tracing is on and none is given.
   */
  headers?: Record<string, string>;
}

/** One delivery of an event; `deliveries` counts this one (1 = first delivery). */
export interface Delivery extends OutgoingEvent {
  id: string;
  deliveries: number;
}

/**
 * Resolving acknowledges the event, so a handler resolves only once its effects have committed;
 * throwing leaves it to be delivered again (at least once), up to the bus's `maxDeliveries`.
 */
export type EventHandler = (delivery: Delivery) => Promise<void>;

/** What the dead-letter topic carries: the message, where it came from, and why it was given up. */
export interface DeadLetter {
  topic: string;
  group: string;
  id: string;
  key: string;
  payload: Record<string, unknown> | string;
  error: string;
  attempts: number;
  at: string;
}

export interface EventBusOptions {
  /** Deliveries of one message before it goes to `deadLetterTopic` with its last error. */
  maxDeliveries: number;
  /** Idle time after which an unacknowledged message is delivered again. */
  redeliverAfterMs: number;
  deadLetterTopic: string;
}

/** The one interface the services see; Redis Streams, Kafka and in-process adapters implement it. */
export interface EventBus {
  readonly kind: 'redis' | 'kafka' | 'memory';
  publish(event: OutgoingEvent): Promise<void>;
  /**
   * Publishes events in one round trip, in their order. A rejection means some may have gone and
   * some not: the caller publishes them all again (at least once).
   */
  publishBatch(events: OutgoingEvent[]): Promise<void>;
  /** Each event of `topics` goes to one member of `group` (one group per service). */
  subscribe(group: string, topics: string[], handler: EventHandler): Promise<void>;
  /** Stops consuming (waiting for handlers in flight), then disconnects. */
  close(): Promise<void>;
}

export function deadLetterOf(delivery: Delivery, group: string, error: string, attempts: number): DeadLetter {
  return { topic: delivery.topic, group, id: delivery.id, key: delivery.key, payload: delivery.payload, error: error.slice(0, 500), attempts, at: new Date().toISOString() };
}

export const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
