import type { CompensationOutcome, ContractRow, ContractValues, ContractWriter, WriteMeta } from '../../platform/contracts/contract-store';

export type SagaKind = 'reg' | 'amd';
export type RemoteParticipant = 'inetaplca' | 'intelnet';
export type Participant = 'ppon' | RemoteParticipant;
/** What a participant does, by name: the engine's transports map these to paths (HTTP) and event names (bus). */
export type StepAction = 'register' | 'modify';
export type UndoAction = 'register-compensation' | 'modify-compensation';

/** What both engines know of a running saga: the request's fields and the contract numbers learnt so far. */
export interface SagaFacts {
  globalNo: string;
  saPponContNo: number;
  fields: Record<string, string>;
  compensateYn?: 'Y' | 'N';
  saInetaplcaContNo?: number | null;
  saIntelnetContNo?: number | null;
  /** When MS1 began the saga, where known (spares reading it back when the saga ends). */
  startedAt?: Date;
}

/** One participant's step and, beside it, the compensation that undoes it (by globalNo). */
export interface WorkflowStep {
  participant: RemoteParticipant;
  action: StepAction;
  /** The payload the participant receives (inside its envelope over HTTP, as the event over the bus). */
  input(saga: SagaFacts): Record<string, unknown>;
  /** The contract number MS1 keeps from the answer, in its own row (needed by the next step). */
  remember?: 'saInetaplcaContNo' | 'saIntelnetContNo';
  undo: UndoAction;
}

/**
 * A saga kind as one table (see docs/sagas.md): MS1's own write, which opens the saga, then the
 * participants' steps in order, each followed by its compensation. On failure the compensations
 * of the steps that may have applied run in reverse, MS1's own undo last. The transport (HTTP or
 * bus), the deadlines and the retries are the engine's business (`orchestrator/engine/`).
 */
export interface SagaWorkflow {
  kind: SagaKind;
  local: {
    action: StepAction;
    /** MS1's first write (START), in the transaction that opens the saga log row. */
    apply(w: ContractWriter, request: { values: ContractValues; meta: WriteMeta; saPponContNo?: number }): Promise<{ saPponContNo: number; before?: ContractRow }>;
    /** The action name its undo has in the saga log. */
    undo: string;
    /** Undoes it, once every participant has confirmed its compensation. */
    compensate(w: ContractWriter, saga: Pick<SagaFacts, 'globalNo' | 'saPponContNo'>): Promise<CompensationOutcome>;
  };
  steps: readonly WorkflowStep[];
}
