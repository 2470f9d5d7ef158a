import type { Express } from 'express';
import { contractQueryRoutes } from '../platform/contracts/query-routes';
import { participantRoutes } from '../participant/entry-points/participant-routes';
import { createServiceApp } from '../platform/http/create-service-app';
import { createSagaGuard } from '../participant/guard/saga-guard';
import type { ServiceDeps } from '../platform/service-deps';

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
