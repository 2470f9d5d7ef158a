import type { EventName } from './saga-events';

/** A saga participant, and what the orchestrator asks of it (the names the saga log shows). */
export type SagaParticipantName = 'inetaplca' | 'intelnet';
export type SagaAction = 'register' | 'modify' | 'register-compensation' | 'modify-compensation';

const VERB = { register: 'Create', modify: 'Update', 'register-compensation': 'CreateCompensate', 'modify-compensation': 'UpdateCompensate' } as const satisfies Record<SagaAction, string>;
const ACTION = Object.fromEntries(Object.entries(VERB).map(([action, verb]) => [verb, action])) as Record<string, SagaAction>;

/**
 * The bus's name for a saga action, shared by the orchestrator that sends it and the participant
 * that handles it (the source's event names: `inetaplcaContCreate`, `intelnetContUpdateCompensate`, …).
 */
export const sagaEventNames = {
  of: (participant: SagaParticipantName, action: SagaAction): EventName => `${participant}Cont${VERB[action]}`,
  parse: (eventName: EventName): { participant: SagaParticipantName; action: SagaAction; compensation: boolean } => {
    const [, participant, verb] = /^(inetaplca|intelnet)Cont(\w+)$/.exec(eventName) as RegExpExecArray;
    return { participant: participant as SagaParticipantName, action: ACTION[verb], compensation: verb.endsWith('Compensate') };
  },
};
