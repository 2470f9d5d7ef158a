import { z } from 'zod';
import type { OutgoingEvent } from '../../../lib/events/event-bus';
import { contractNo } from '../contracts/contract-payload';

/**
 * Ours: every committed change of a contract row, in the transaction that made it (the
 * outbox), for the read side (`services/contract-view`). The event carries the whole row after the
 * change and the row's change number (`CHG_NO`, +1 per write, under the row's lock), so a consumer
 * keeps the highest version it saw and duplicates or reordered deliveries change nothing.
 */
export const CONTRACT_CHANGED_TOPIC = 'ContractChanged';
export const CONTRACT_SOURCES = ['ppon', 'inetaplca', 'intelnet'] as const;
export type ContractSource = (typeof CONTRACT_SOURCES)[number];

export const contractChanged = z.object({
  source: z.enum(CONTRACT_SOURCES),
  /** MS1's contract number: the key of the view's row (and of the message, so one contract stays in one partition). */
  saPponContNo: contractNo,
  /** The source's own contract number. */
  no: contractNo,
  version: z.number().int().min(0),
  changedAt: z.string().min(1).max(40),
  row: z.record(z.string(), z.unknown()),
});
export type ContractChanged = z.infer<typeof contractChanged>;

export function contractChangedEvent(prefix: string, change: ContractChanged): OutgoingEvent {
  return { topic: `${prefix}${CONTRACT_CHANGED_TOPIC}`, key: String(change.saPponContNo), payload: { ...change } };
}
