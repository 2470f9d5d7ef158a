import type { CompensationOutcome } from '../../platform/contracts/contract-store';
import type { StepReply } from '../transport/participant-client';

const MESSAGES: Record<CompensationOutcome, string> = {
  done: 'success',
  absent: 'the contract or its history row is missing',
  foreign: 'a later saga owns the contract',
};

/** MS1's own compensation as a step, answering like a participant does. */
export function localStep(action: string, apply: () => Promise<CompensationOutcome>) {
  return {
    participant: 'ppon' as const,
    action,
    run: async (): Promise<StepReply> => {
      const outcome = await apply();
      return { outcome: outcome === 'done' ? 'Y' : 'N', message: MESSAGES[outcome], body: {} };
    },
  };
}
