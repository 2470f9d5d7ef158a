import type { Express } from 'express';
import { contractQueryRoutes } from '../shared/contracts/query-routes';
import { createServiceApp } from '../shared/http/create-service-app';
import type { ServiceDeps } from '../shared/service-deps';
import type { SagaParticipants } from './saga/participants';
import { createSagaLog } from './saga/saga-log';
import { sagaRoutes } from './saga/saga-routes';

export interface PponDeps extends ServiceDeps {
  participants: SagaParticipants;
}

/** MS1 (samp.ppon): its own contracts, and the orchestrator of the register and modify sagas. */
export function createPponApp(deps: PponDeps): Express {
  const { config } = deps;
  return createServiceApp({
    name: 'ppon',
    logger: deps.logger,
    database: deps.database,
    routers: [
      contractQueryRoutes(deps.contracts),
      sagaRoutes({
        contracts: deps.contracts,
        participants: deps.participants,
        sagaLog: createSagaLog(deps.database),
        retry: { retries: config.compensationRetries, backoffMs: config.compensationBackoffMs },
        drillsAllowed: config.drillsAllowed,
      }),
    ],
  });
}
