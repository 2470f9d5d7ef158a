import { consumerGroup, DEAD_LETTER_TOPIC, replyEvent, topicName } from '../../platform/events/saga-events';
import type { ServiceDeps } from '../../platform/service-deps';
import { createHttpParticipants } from '../transport/http-participants';
import { createOrchestration } from '../engine/orchestration';
import { createDeadLetters } from '../saga-log/dead-letters';
import { createJobLease } from '../../platform/db/job-lease';

/**
 * MS1's consumers (replies, dead letters) and its sweeper, which reads deadlines and due
 * compensations from the database, so it resumes after a restart: broker-mode steps past their
 * deadline, API-mode sagas left START past theirs (MS1 died mid-saga), compensations due (both modes).
 */
export async function startPponWorkers(deps: ServiceDeps): Promise<() => Promise<void>> {
  const { config, events, logger } = deps;
  const { brokerSaga, compensator } = createOrchestration({ ...deps, participants: createHttpParticipants(config, deps.serviceToken) });
  const deadLetters = createDeadLetters(deps.database);
  const group = consumerGroup(config.name);
  await events.bus.subscribe(group, [topicName(config.eventTopicPrefix, 'ContResponse')], (d) => brokerSaga.onReply(replyEvent.parse(d.payload)));
  await events.bus.subscribe(group, [topicName(config.eventTopicPrefix, DEAD_LETTER_TOPIC)], (d) => deadLetters.store(d.payload));

  // One MS1 process sweeps at a time (docs/scaling.md); another takes over once its lease lapses.
  const lease = createJobLease(deps.database, 'saga-sweeper');
  let sweeping: Promise<unknown> | undefined;
  const sweep = () => {
    sweeping ??= lease
      .hold(config.jobLeaseMs)
      .then((held): Promise<unknown> | undefined => (held ? Promise.all([brokerSaga.sweep(), compensator.sweep()]) : undefined))
      .catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'saga sweep failed; retrying'))
      .finally(() => (sweeping = undefined));
  };
  // At start-up first: sagas an earlier MS1 process left behind are recovered now, not one period later.
  sweep();
  const timer = setInterval(sweep, config.sagaSweepMs);
  return async () => {
    clearInterval(timer);
    await sweeping;
    await lease.release().catch(() => undefined);
  };
}
