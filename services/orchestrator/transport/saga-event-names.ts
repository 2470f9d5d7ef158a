import type { EventName } from '../../platform/events/saga-events';
import type { RemoteParticipant, StepAction, UndoAction } from '../workflows/saga-workflow';

const VERB = { register: 'Create', modify: 'Update', 'register-compensation': 'CreateCompensate', 'modify-compensation': 'UpdateCompensate' } as const;

/** The bus's name for a workflow's action (the source's event names: `inetaplcaContCreate`, `intelnetContUpdateCompensate`, …). */
export const sagaEventNames = {
  of: (participant: RemoteParticipant, action: StepAction | UndoAction): EventName => `${participant}Cont${VERB[action]}`,
  /** Whose step an event is, and whether it is the compensation. */
  parse: (eventName: EventName): { participant: RemoteParticipant; compensation: boolean } => ({
    participant: eventName.startsWith('inetaplca') ? 'inetaplca' : 'intelnet',
    compensation: eventName.endsWith('Compensate'),
  }),
};
