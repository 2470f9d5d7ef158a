import { compensateAction, modifyAction, registerAction, subscribeParticipant } from '../participant/entry-points/participant-events';
import type { ServiceDeps } from '../platform/service-deps';

/** MS3 in broker mode: creates and updates, and [fix] their compensations (a step MS1 timed out may apply late). */
export async function startIntelnetWorkers(deps: ServiceDeps): Promise<() => Promise<void>> {
  await subscribeParticipant(deps, {
    intelnetContCreate: registerAction(),
    intelnetContUpdate: modifyAction(),
    intelnetContCreateCompensate: compensateAction('cancelRegistration'),
    intelnetContUpdateCompensate: compensateAction('restoreFromHistory'),
  });
  return async () => undefined;
}
