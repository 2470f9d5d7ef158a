import type { ServiceName } from '../../config/service-config';
import type { ContractTable } from '../platform/contracts/contract-table';
import type { Migrations } from '../platform/db/run-migrations';
import type { ServiceDefinition } from '../platform/run-service';
import type { ServiceDeps } from '../platform/service-deps';
import { createParticipantApp } from './create-participant-app';
import { createParticipantSteps } from './domain/participant-steps';
import { subscribeParticipant } from './entry-points/participant-events';
import { createSagaGuard } from './guard/saga-guard';

/**
 * A saga participant as `main` starts it: the HTTP routes (API mode) and the bus consumer
 * (broker mode), both over the same steps. `drill`: this service plays the step that the drill
 * (`compensateYn: "Y"`) makes fail, so that MS1 compensates.
 */
export function participantService(definition: { name: ServiceName; table: ContractTable; migrations: Migrations; drill: boolean }): ServiceDefinition {
  const stepsOf = (deps: ServiceDeps) => createParticipantSteps(deps.contracts, createSagaGuard(deps.database), { drill: definition.drill, drillsAllowed: deps.config.drillsAllowed });
  return {
    name: definition.name,
    table: definition.table,
    migrations: definition.migrations,
    createApp: (deps) => createParticipantApp(deps, stepsOf(deps)),
    startWorkers: async (deps) => {
      await subscribeParticipant(deps, stepsOf(deps));
      return async () => undefined;
    },
  };
}
