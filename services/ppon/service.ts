import type { ServiceDefinition } from '../shared/run-service';
import { createPponApp } from './app';
import { pponTable } from './contracts/ppon-table';
import { pponMigrations } from './migrations';
import { startPponWorkers } from './pubsub/start-ppon-workers';
import { createHttpParticipants } from './saga/http-participants';

/** MS1 as `main` (and the tests) start it: participants reached over HTTP. */
export const pponService: ServiceDefinition = {
  name: 'ppon',
  table: pponTable,
  migrations: pponMigrations,
  createApp: (deps) => createPponApp({ ...deps, participants: createHttpParticipants(deps.config, deps.serviceToken) }),
  startWorkers: startPponWorkers,
};
