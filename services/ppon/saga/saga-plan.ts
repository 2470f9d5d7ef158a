import type { StepReply } from '../../shared/http/participant-client';

export type Participant = 'ppon' | 'inetaplca' | 'intelnet';
export type SagaKind = 'reg' | 'amd';
export type SagaState = 'START' | 'END' | 'CANCEL' | 'COMPENSATION_FAILED';

/** One action of one participant; `run` never throws for a participant's failure, it answers it. */
export interface StepCall {
  participant: Participant;
  action: string;
  run(): Promise<StepReply>;
}

export interface ForwardStep extends StepCall {
  /** Records what the participant answered (its contract number) in MS1's row. */
  onSuccess?(reply: StepReply): Promise<void>;
  /** What undoes this step once it has succeeded; the last step (MS3) has none. */
  compensation?: StepCall;
}

/**
 * A saga as data, independent of the transport: MS1's own first write has already committed
 * (with the saga log row), `undoBegin` reverses it, `steps` run in order, `finish` marks END.
 * The HTTP runner walks it now; a broker runner can walk the same plan reply by reply.
 */
export interface SagaPlan {
  kind: SagaKind;
  globalNo: string;
  saPponContNo: number;
  undoBegin: StepCall;
  steps: ForwardStep[];
  finish(): Promise<void>;
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
