import { compensateAction, modifyAction, registerAction, subscribeParticipant } from '../participant/entry-points/participant-events';
import type { ServiceDeps } from '../platform/service-deps';

/** MS2 in broker mode: creates, updates and their compensations (SPEC §4). */
export async function startInetaplcaWorkers(deps: ServiceDeps): Promise<() => Promise<void>> {
  await subscribeParticipant(deps, {
    inetaplcaContCreate: registerAction(),
    inetaplcaContUpdate: modifyAction(),
    inetaplcaContCreateCompensate: compensateAction('cancelRegistration'),
    inetaplcaContUpdateCompensate: compensateAction('restoreFromHistory'),
  });
  return async () => undefined;
}
