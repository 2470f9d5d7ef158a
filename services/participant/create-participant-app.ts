import type { Express } from 'express';
import { contractQueryRoutes } from '../platform/contracts/query-routes';
import { createServiceApp } from '../platform/http/create-service-app';
import type { ServiceDeps } from '../platform/service-deps';
import type { ParticipantSteps } from './domain/participant-steps';
import { participantRoutes } from './entry-points/participant-routes';

/** A saga participant's HTTP side (MS2, MS3): its contract queries and its saga steps, under its envelope (`inetaplcaContPayload`, …). */
export function createParticipantApp(deps: ServiceDeps, steps: ParticipantSteps): Express {
  return createServiceApp({
    name: deps.config.name,
    logger: deps.logger,
    database: deps.database,
    metrics: [deps.events.metrics],
    auth: { verifier: deps.verifier, kind: 'participant' },
    routers: (routes) => [contractQueryRoutes(deps.contracts, routes), participantRoutes(deps.contracts, { envelope: `${deps.config.name}ContPayload`, steps }, routes)],
  });
}
