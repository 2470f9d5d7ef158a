import type { StepReply } from '../transport/participant-client';
import type { Participant } from '../workflows/saga-workflow';

/**
 * The only terminal states are END and CANCEL, and both mean the three services agree.
 * COMPENSATING is visible and not terminal: the contract stays locked while it is retried.
 */
export type SagaState = 'START' | 'COMPENSATING' | 'END' | 'CANCEL';
export const SAGA_STATES = ['START', 'COMPENSATING', 'END', 'CANCEL'] as const satisfies readonly SagaState[];

export interface FailedStep {
  participant: Participant;
  action: string;
  outcome: StepReply['outcome'];
  message: string;
}

export interface SagaOutcome {
  state: Exclude<SagaState, 'START'>;
  failedStep?: FailedStep;
}
