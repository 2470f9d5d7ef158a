import { modifyAction, registerAction, subscribeParticipant } from '../shared/events/participant-events';
import type { ServiceDeps } from '../shared/service-deps';

/** MS3 in broker mode: creates and updates, never compensated (the saga's last step). */
export async function startIntelnetWorkers(deps: ServiceDeps): Promise<() => Promise<void>> {
  await subscribeParticipant(deps, { intelnetContCreate: registerAction(), intelnetContUpdate: modifyAction() });
  return async () => undefined;
}
