import type { Express } from 'express';
import { contractQueryRoutes } from '../platform/contracts/query-routes';
import { participantRoutes } from '../participant/entry-points/participant-routes';
import { createServiceApp } from '../platform/http/create-service-app';
import { createSagaGuard } from '../participant/guard/saga-guard';
import type { ServiceDeps } from '../platform/service-deps';
import { refuseOnDrill } from '../participant/entry-points/refuse-on-drill';

/**
 * MS3 (samp.intelnet): the saga's last step. Compensated too [fix]: a step MS1 timed out may commit
 * later, and then it must be undone (or, arriving after its compensation, refused).
 */
export function createIntelnetApp(deps: ServiceDeps): Express {
  return createServiceApp({
    name: 'intelnet',
    logger: deps.logger,
    database: deps.database,
    metrics: [deps.events.metrics],
    auth: { verifier: deps.verifier, kind: 'participant' },
    routers: [
      contractQueryRoutes(deps.contracts),
      participantRoutes(deps.contracts, {
        envelope: 'intelnetContPayload',
        guard: createSagaGuard(deps.database),
        beforeWrite: refuseOnDrill(deps.config.drillsAllowed),
      }),
    ],
  });
}
