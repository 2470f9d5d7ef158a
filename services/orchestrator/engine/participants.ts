import type { StepReply } from '../transport/participant-client';

/** One call to a participant: the saga's globalNo and the payload inside the source's envelope. */
export type ParticipantCall = (globalNo: string, payload: Record<string, unknown>) => Promise<StepReply>;

export interface ParticipantCalls {
  register: ParticipantCall;
  modify: ParticipantCall;
  /** By globalNo (the payload need not name the participant's contract). */
  compensateRegister: ParticipantCall;
  compensateModify: ParticipantCall;
}

/** What MS1 needs from MS2 and MS3, whatever carries the calls (HTTP now, a broker later). */
export interface SagaParticipants {
  inetaplca: ParticipantCalls;
  intelnet: ParticipantCalls;
}
