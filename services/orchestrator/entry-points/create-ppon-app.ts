import type { Express } from 'express';
import { contractQueryRoutes } from '../../platform/contracts/query-routes';
import { createServiceApp } from '../../platform/http/create-service-app';
import type { ServiceDeps } from '../../platform/service-deps';
import type { SagaTransport } from '../transport/saga-transport';
import { createOrchestration } from '../engine/orchestration';
import { sagaRoutes } from './saga-routes';
import { createSagaList } from '../saga-log/saga-list';
import { createDeadLetters } from '../saga-log/dead-letters';
import { pubsubRoutes } from './pubsub-routes';

export interface PponDeps extends ServiceDeps {
  participants: SagaTransport;
}

/** MS1 (samp.ppon): its own contracts, and the orchestrator of the register and modify sagas (API and broker mode). */
export function createPponApp(deps: PponDeps): Express {
  const { config } = deps;
  const { sagaLog, metrics, compensator, brokerSaga } = createOrchestration(deps);
  return createServiceApp({
    name: 'ppon',
    logger: deps.logger,
    database: deps.database,
    metrics: [deps.events.metrics, metrics.registry],
    auth: { verifier: deps.verifier, kind: 'orchestrator', ownerOf: async (no) => (await deps.contracts.find(no))?.mkerId as string | null | undefined },
    routers: (routes) => [
      contractQueryRoutes(deps.contracts, routes),
      pubsubRoutes(routes, {
        contracts: deps.contracts,
        sagaLog,
        brokerSaga,
        deadLetters: createDeadLetters(deps.database),
        drillsAllowed: config.drillsAllowed,
        // Two steps, each with its own deadline.
        deadlineMs: 2 * config.sagaDeadlineMs,
      }),
      sagaRoutes(routes, {
        contracts: deps.contracts,
        participants: deps.participants,
        sagaLog,
        compensator,
        brokerSaga,
        metrics,
        retries: config.compensationRetries,
        deadlineMs: config.sagaDeadlineMs,
        drillsAllowed: config.drillsAllowed,
        listSagas: createSagaList(deps.database),
      }),
    ],
  });
}
