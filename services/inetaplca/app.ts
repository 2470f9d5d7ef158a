import type { Express } from 'express';
import { contractQueryRoutes } from '../shared/contracts/query-routes';
import { participantRoutes } from '../shared/contracts/participant-routes';
import { createServiceApp } from '../shared/http/create-service-app';
import { createSagaGuard } from '../shared/saga/saga-guard';
import type { ServiceDeps } from '../shared/service-deps';

/** MS2 (samp.inetaplca): a saga participant with register and modify compensations. */
export function createInetaplcaApp(deps: ServiceDeps): Express {
  return createServiceApp({
    name: 'inetaplca',
    logger: deps.logger,
    database: deps.database,
    metrics: [deps.events.metrics],
    auth: { verifier: deps.verifier, kind: 'participant' },
    routers: [
      contractQueryRoutes(deps.contracts),
      participantRoutes(deps.contracts, { envelope: 'inetaplcaContPayload', guard: createSagaGuard(deps.database) }),
    ],
  });
}
