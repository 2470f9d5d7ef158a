import type { ServiceConfig } from '../../../config/service-config';
import type { EventBus, EventBusOptions } from '../../../lib/events/event-bus';
import type { Logger } from '../../../lib/http/logger';
import { createKafkaBus } from '../../../lib/events/kafka-bus';
import { createMemoryBus } from '../../../lib/events/memory-bus';
import { createRedisStreamsBus } from '../../../lib/events/redis-streams-bus';
import { CONTRACT_CHANGED_TOPIC } from './contract-change-events';
import { DEAD_LETTER_TOPIC, EXTRA_SAGA_TOPICS, SAGA_TOPICS, topicName, type TopicName } from './saga-events';

/** The adapter this deployment chose (`<SERVICE>_EVENT_BUS`); the services only see `EventBus`. */
export type EventBusSettings = Pick<ServiceConfig, 'eventMaxDeliveries' | 'eventRedeliverMs' | 'eventTopicPrefix' | 'eventBus' | 'kafkaBrokers' | 'kafkaPartitions' | 'redisUrl'> & { name: string };

export function createEventBus(config: EventBusSettings, logger: Logger): EventBus {
  // A handler's transaction that loses a deadlock runs again at once, in `ServiceDatabase.transaction`
  // (every handler writes through it): not here too, which would multiply the attempts.
  return createAdapter(config, logger);
}

/** Records a Kafka subscription handles at once (different contracts; the database pool has 10 connections). */
const KAFKA_HANDLERS = 16;

function createAdapter(config: EventBusSettings, logger: Logger): EventBus {
  const options: EventBusOptions = {
    maxDeliveries: config.eventMaxDeliveries,
    redeliverAfterMs: config.eventRedeliverMs,
    deadLetterTopic: topicName(config.eventTopicPrefix, DEAD_LETTER_TOPIC),
  };
  if (config.eventBus === 'kafka') {
    const topics = [...([...SAGA_TOPICS, ...EXTRA_SAGA_TOPICS, DEAD_LETTER_TOPIC] as TopicName[]), CONTRACT_CHANGED_TOPIC].map((t) => `${config.eventTopicPrefix}${t}`);
    const { kafkaPartitions: partitions } = config;
    return createKafkaBus({ ...options, brokers: config.kafkaBrokers, clientId: `samp.${config.name}`, topics, partitions, concurrency: KAFKA_HANDLERS }, logger);
  }
  if (config.eventBus === 'redis') {
    if (!config.redisUrl) throw new Error(`${config.name.toUpperCase()}_EVENT_BUS=redis needs ${config.name.toUpperCase()}_REDIS_URL`);
    return createRedisStreamsBus(config.redisUrl, logger, options);
  }
  return createMemoryBus(options);
}
