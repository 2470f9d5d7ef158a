import type { ContractStore } from '../../platform/contracts/contract-store';
import type { StepReply } from '../transport/participant-client';
import type { SagaParticipants } from './participants';

export interface PlanInput {
  globalNo: string;
  saPponContNo: number;
  /** The validated business and audit fields, forwarded to MS2 and MS3. */
  fields: Record<string, string>;
  compensateYn?: 'Y' | 'N';
}

export interface PlanDeps {
  contracts: ContractStore;
  participants: SagaParticipants;
}

/** The contract number a participant answered; without it the step cannot be compensated later. */
export function contractNoIn(reply: StepReply, field: string): number {
  const value = reply.body[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new Error(`the answer has no ${field}`);
  return value;
}
