import { traceDeliveries, withTraceHeaders } from './trace-events';
import { deadLetterOf, errorText, type EventBus, type EventBusOptions, type EventHandler, type OutgoingEvent } from './event-bus';

interface Group {
  offset: number;
  handlers: EventHandler[];
  pumping?: Promise<void>;
}
interface Topic {
  log: (OutgoingEvent & { id: string })[];
  groups: Map<string, Group>;
}
/** Topics shared by every bus of this process (the three services in one `npm start`). */
export type MemoryHub = Map<string, Topic>;

const processHub: MemoryHub = new Map();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * In-process adapter, only for the zero-install start without Redis: nothing survives the
 * process, so it offers none of the outbox's durability beyond it. A group reads its topics from
 * the beginning, one event at a time, retrying a failing handler before dead-lettering it.
 */
export function createMemoryBus(options: EventBusOptions, hub: MemoryHub = processHub): EventBus {
  const mine = new Set<{ group: Group; handler: EventHandler }>();
  let closed = false;
  const topicOf = (name: string) => {
    let topic = hub.get(name);
    if (!topic) hub.set(name, (topic = { log: [], groups: new Map() }));
    return topic;
  };

  const pump = (topicName: string, group: Group, groupName: string) => {
    if (group.pumping) return;
    const topic = topicOf(topicName);
    group.pumping = (async () => {
      while (group.offset < topic.log.length && group.handlers.length > 0) {
        const event = topic.log[group.offset];
        let lastError = '';
        let delivered = false;
        for (let deliveries = 1; deliveries <= options.maxDeliveries && group.handlers.length > 0; deliveries++) {
          try {
            await group.handlers[0]({ ...event, deliveries });
            delivered = true;
            break;
          } catch (err) {
            lastError = errorText(err);
            await sleep(Math.min(options.redeliverAfterMs, 1000));
          }
        }
        if (group.handlers.length === 0) break;
        if (!delivered && topicName !== options.deadLetterTopic) {
          publish({ topic: options.deadLetterTopic, key: event.key, payload: { ...deadLetterOf({ ...event, deliveries: options.maxDeliveries }, groupName, lastError, options.maxDeliveries) } });
        }
        group.offset++;
      }
    })().finally(() => {
      group.pumping = undefined;
      if (group.offset < topic.log.length && group.handlers.length > 0) pump(topicName, group, groupName);
    });
  };

  const publish = (event: OutgoingEvent) => {
    const topic = topicOf(event.topic);
    topic.log.push({ ...event, id: String(topic.log.length + 1) });
    for (const [name, group] of topic.groups) setImmediate(() => pump(event.topic, group, name));
  };

  return {
    kind: 'memory',
    publish: async (event) => {
      if (closed) throw new Error('the event bus is closed');
      publish(withTraceHeaders(event));
    },
    publishBatch: async (events) => {
      if (closed) throw new Error('the event bus is closed');
      for (const event of events) publish(withTraceHeaders(event));
    },
    subscribe: async (groupName, topics, untraced) => {
      const handler = traceDeliveries(groupName, untraced);
      for (const name of topics) {
        const topic = topicOf(name);
        let group = topic.groups.get(groupName);
        if (!group) topic.groups.set(groupName, (group = { offset: 0, handlers: [] }));
        group.handlers.push(handler);
        mine.add({ group, handler });
        pump(name, group, groupName);
      }
    },
    close: async () => {
      closed = true;
      for (const { group, handler } of mine) group.handlers = group.handlers.filter((h) => h !== handler);
      await Promise.all([...mine].map(({ group }) => group.pumping ?? Promise.resolve()));
    },
  };
}
