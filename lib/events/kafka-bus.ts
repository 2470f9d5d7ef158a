import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import type { Logger } from '../http/logger';
import { deadLetterOf, errorText, type Delivery, type EventBus, type EventBusOptions } from './event-bus';
import { fromKafkaMessage, toKafkaMessage } from './kafka-codec';

export interface KafkaBusOptions extends EventBusOptions {
  brokers: string[];
  clientId: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Kafka adapter (kafkajs). NOT run against a broker here (none can run on these machines): only
 * its mapping and serialization are unit-tested. The offset is committed after `eachMessage`
 * resolves, i.e. after the handler committed; a failing handler is retried in place (keeping the
 * partition's order) up to `maxDeliveries`, then the record goes to the dead-letter topic.
 */
export function createKafkaBus(options: KafkaBusOptions, logger: Logger, kafka = new Kafka({ clientId: options.clientId, brokers: options.brokers, logLevel: logLevel.WARN })): EventBus {
  let producer: Promise<Producer> | undefined;
  const consumers: Consumer[] = [];
  const connectedProducer = () => {
    producer ??= (async () => {
      const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await p.connect();
      return p;
    })().catch((err: unknown) => {
      producer = undefined;
      throw err;
    });
    return producer;
  };
  const publish = async (topic: string, event: Parameters<EventBus['publish']>[0]) => {
    await (await connectedProducer()).send({ topic, acks: -1, messages: [toKafkaMessage(event)] });
  };

  return {
    kind: 'kafka',
    publish: (event) => publish(event.topic, event),
    subscribe: async (group, topics, handler) => {
      const consumer = kafka.consumer({ groupId: group });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          let delivery: Delivery;
          try {
            delivery = fromKafkaMessage(topic, partition, message);
          } catch (err) {
            logger.error({ topic, partition, offset: message.offset, err: errorText(err) }, 'unreadable event skipped');
            return;
          }
          let lastError = '';
          for (let deliveries = 1; deliveries <= options.maxDeliveries; deliveries++) {
            try {
              await handler({ ...delivery, deliveries });
              return;
            } catch (err) {
              lastError = errorText(err);
              if (deliveries < options.maxDeliveries) await sleep(Math.min(options.redeliverAfterMs, 5000));
            }
          }
          if (topic !== options.deadLetterTopic) {
            await publish(options.deadLetterTopic, { topic: options.deadLetterTopic, key: delivery.key, payload: { ...deadLetterOf(delivery, group, lastError, options.maxDeliveries) } });
          }
        },
      });
    },
    close: async () => {
      await Promise.all(consumers.map((c) => c.disconnect()));
      if (producer) await (await producer.catch(() => undefined))?.disconnect();
    },
  };
}
