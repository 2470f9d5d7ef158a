import type { ServiceDefinition } from '../platform/run-service';
import { createPponApp } from '../orchestrator/entry-points/create-ppon-app';
import { pponTable } from './ppon-table';
import { pponMigrations } from './migrations';
import { startPponWorkers } from '../orchestrator/entry-points/start-ppon-workers';
import { createHttpParticipants } from '../orchestrator/transport/http-participants';

/** MS1 as `main` (and the tests) start it: participants reached over HTTP. */
export const pponService: ServiceDefinition = {
  name: 'ppon',
  table: pponTable,
  migrations: pponMigrations,
  createApp: (deps) => createPponApp({ ...deps, participants: createHttpParticipants(deps.config, deps.serviceToken) }),
  startWorkers: startPponWorkers,
};
