import type { Express } from 'express';
import { contractQueryRoutes } from '../shared/contracts/query-routes';
import { participantRoutes } from '../shared/contracts/participant-routes';
import { createServiceApp } from '../shared/http/create-service-app';
import type { ServiceDeps } from '../shared/service-deps';
import { refuseOnDrill } from './drill/refuse-on-drill';

/** MS3 (samp.intelnet): the saga's last step, so it is never compensated. */
export function createIntelnetApp(deps: ServiceDeps): Express {
  return createServiceApp({
    name: 'intelnet',
    logger: deps.logger,
    database: deps.database,
    auth: { verifier: deps.verifier, kind: 'participant' },
    routers: [
      contractQueryRoutes(deps.contracts),
      participantRoutes(deps.contracts, {
        envelope: 'intelnetContPayload',
        compensable: false,
        beforeWrite: refuseOnDrill(deps.config.drillsAllowed),
      }),
    ],
  });
}
