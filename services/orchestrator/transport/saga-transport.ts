import type { StepReply } from './participant-client';
import type { RemoteParticipant, StepAction, UndoAction } from '../workflows/saga-workflow';

/**
 * API mode's way to a participant: one call, answered. `call` never throws for a participant's
 * failure, it answers it ("N", or "FALLBACK" for no usable answer). HTTP in production
 * (`transport/http-participants.ts`), fake participants in the workflow tests.
 */
export interface SagaTransport {
  call(participant: RemoteParticipant, action: StepAction | UndoAction, globalNo: string, payload: Record<string, unknown>): Promise<StepReply>;
}
