import type { ServiceDeps } from '../../platform/service-deps';
import { createBrokerSaga, type BrokerSaga } from './broker-saga';
import { createCompensator, type Compensator } from './compensator';
import type { SagaTransport } from '../transport/saga-transport';
import { createPendingSagas } from '../saga-log/pending-sagas';
import { createSagaLog, type SagaLog } from '../saga-log/saga-log';
import { sagaMetricsFor, type SagaMetrics } from '../saga-log/saga-metrics';
import { notifyProgress } from '../saga-log/notify-progress';

export interface Orchestration {
  sagaLog: SagaLog;
  metrics: SagaMetrics;
  compensator: Compensator;
  brokerSaga: BrokerSaga;
}

/** MS1's saga machinery over its database, the same for its routes and its workers (sweepers, reply consumer). */
export function createOrchestration(deps: ServiceDeps & { participants: SagaTransport }): Orchestration {
  const metrics = sagaMetricsFor(deps.database);
  // Each change of a saga's log is announced to the BFFs (docs/scaling.md).
  const sagaLog = notifyProgress(createSagaLog(deps.database, metrics.finished.bind(metrics)), deps.database, deps.events.notices.saga.bind(deps.events.notices));
  return {
    sagaLog,
    metrics,
    compensator: createCompensator({ ...deps, sagaLog, metrics }),
    brokerSaga: createBrokerSaga({ ...deps, pending: createPendingSagas(deps.database, deps.contracts.table), sagaLog, metrics }),
  };
}
