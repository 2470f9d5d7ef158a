import { contextFrom, inSpan, messageGlobalNo, SpanKind, traceHeaders, tracingOn } from '../telemetry/trace';
import type { EventHandler, OutgoingEvent } from './event-bus';

/** The event with the active trace context in its headers, unless it carries one (an outbox row's). */
export function withTraceHeaders(event: OutgoingEvent): OutgoingEvent {
  if (!tracingOn() || event.headers?.traceparent) return event;
  const headers = { ...event.headers, ...traceHeaders() };
  return Object.keys(headers).length > 0 ? { ...event, headers } : event;
}

/**
 * Each delivery is handled in a consumer span whose parent is the publisher's (the message's
 * `traceparent`), so a saga's hops through the broker stay one trace; the payload's globalNo is the
 * context's. Every adapter wraps its subscribers with this.
 */
export function traceDeliveries(group: string, handler: EventHandler): EventHandler {
  return (delivery) => {
    if (!tracingOn()) return handler(delivery);
    const attributes = { 'messaging.destination.name': delivery.topic, 'messaging.consumer.group.name': group, 'messaging.message.id': delivery.id, 'messaging.delivery_count': delivery.deliveries };
    const parent = contextFrom(delivery.headers, messageGlobalNo(delivery.payload, delivery.headers));
    return inSpan(`process ${delivery.topic}`, { kind: SpanKind.CONSUMER, parent, attributes }, () => handler(delivery));
  };
}
