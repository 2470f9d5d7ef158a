import type { ContractWriter } from '../../platform/contracts/contract-store';
import type { StepReply } from '../transport/participant-client';

export type Participant = 'ppon' | 'inetaplca' | 'intelnet';
export type SagaKind = 'reg' | 'amd';
/**
 * [issue 15] The only terminal states are END and CANCEL, and both mean the three services agree.
 * COMPENSATING is visible and not terminal: the contract stays locked while it is retried.
 */
export type SagaState = 'START' | 'COMPENSATING' | 'END' | 'CANCEL';
export const SAGA_STATES = ['START', 'COMPENSATING', 'END', 'CANCEL'] as const satisfies readonly SagaState[];

/** One action of one participant; `run` never throws for a participant's failure, it answers it. */
export interface StepCall {
  participant: Participant;
  action: string;
  run(): Promise<StepReply>;
}

export interface ForwardStep extends StepCall {
  participant: 'inetaplca' | 'intelnet';
  /** Records what the participant answered (its contract number) in MS1's row. */
  onSuccess?(reply: StepReply): Promise<void>;
}

/**
 * A saga as data, independent of the transport: MS1's own first write has already committed
 * (with the saga log row), `steps` run in order, `finish` marks MS1's row END (in the transaction
 * that ends the saga). Compensations are not part of the plan: they are by globalNo, derived from
 * the saga's kind and progress, so that they can be driven from the database after a restart.
 */
export interface SagaPlan {
  kind: SagaKind;
  globalNo: string;
  saPponContNo: number;
  steps: ForwardStep[];
  finish(w: ContractWriter): Promise<void>;
}

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
