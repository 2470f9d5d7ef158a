import type { StepReply } from '../../shared/http/participant-client';

/** One call to a participant: the saga's globalNo and the payload inside the source's envelope. */
export type ParticipantCall = (globalNo: string, payload: Record<string, unknown>) => Promise<StepReply>;

/** What MS1 needs from MS2 and MS3, whatever carries the calls (HTTP now, a broker later). */
export interface SagaParticipants {
  inetaplca: { register: ParticipantCall; modify: ParticipantCall; compensateRegister: ParticipantCall; compensateModify: ParticipantCall };
  intelnet: { register: ParticipantCall; modify: ParticipantCall };
}
