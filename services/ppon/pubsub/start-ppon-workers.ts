import { consumerGroup, DEAD_LETTER_TOPIC, replyEvent, topicName } from '../../shared/events/saga-events';
import type { ServiceDeps } from '../../shared/service-deps';
import { createSagaLog } from '../saga/saga-log';
import { createBrokerSaga } from './broker-saga';
import { createDeadLetters } from './dead-letters';

/** MS1's consumers (replies, dead letters) and its deadline sweeper, which reads deadlines from the DB, so it resumes after a restart. */
export async function startPponWorkers(deps: ServiceDeps): Promise<() => Promise<void>> {
  const { config, events, logger } = deps;
  const saga = createBrokerSaga({ ...deps, sagaLog: createSagaLog(deps.database) });
  const deadLetters = createDeadLetters(deps.database);
  const group = consumerGroup(config.name);
  await events.bus.subscribe(group, [topicName(config.eventTopicPrefix, 'ContResponse')], (d) => saga.onReply(replyEvent.parse(d.payload)));
  await events.bus.subscribe(group, [topicName(config.eventTopicPrefix, DEAD_LETTER_TOPIC)], (d) => deadLetters.store(d.payload));

  let sweeping: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    sweeping ??= saga
      .sweep()
      .catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'saga deadline sweep failed; retrying'))
      .finally(() => (sweeping = undefined));
  }, config.sagaSweepMs);
  return async () => {
    clearInterval(timer);
    await sweeping;
  };
}
