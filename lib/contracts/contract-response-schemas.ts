import { z } from 'zod';

const nullableStr = z.string().nullable();
/** A contract row of one service as it returns it (camelCase columns; services/platform/contracts/column-case.ts). */
const row = z
  .looseObject({ transacSttus: z.enum(['START', 'COMPENSATING', 'END', 'CANCEL']).optional(), delYn: z.enum(['Y', 'N']).optional(), contr: nullableStr.optional(), payr: nullableStr.optional(), svcNo: nullableStr.optional() })
  .meta({ id: 'ServiceRow' });
const lastChange = z
  .object({
    kind: z.enum(['REGISTER', 'MODIFY']),
    outcome: z.enum(['IN_PROGRESS', 'DONE', 'ROLLED_BACK']),
    reasonCode: z.string().optional().meta({ description: 'why a rolled-back change failed (detail only): a catalog code or STEP_FAILED' }),
    globalNo: nullableStr,
    at: nullableStr,
  })
  .meta({ id: 'LastChange' });
const historyEntry = z
  .object({
    at: nullableStr,
    author: z.object({ id: z.string(), name: nullableStr }).nullable(),
    globalNo: nullableStr,
    kind: z.enum(['REGISTER', 'MODIFY']),
    outcome: z.enum(['IN_PROGRESS', 'DONE', 'ROLLED_BACK']),
    changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
  })
  .meta({ id: 'HistoryEntry' });

/**
 * The contract bodies the services and the BFF both answer: a row, its state members
 * (lib/contracts/contract-state.ts) and a history entry (lib/contracts/history-entries.ts).
 */
export const contractResponseSchemas = {
  row,
  lastChange,
  /** Spread into an answer's shape, as `stateMembers` is spread into the answer. */
  state: { contractState: z.enum(['ACTIVE', 'TERMINATED']), lastChange },
  historyEntry,
};
