import type { ServiceDatabase } from '../db/create-database';

/**
 * Deletes the tombstones older than `retentionMs`: guard rows a compensation wrote for a saga that
 * had applied nothing here (STATE COMPENSATED, no contract). Without this, anyone allowed to
 * compensate could grow SA_SAGA_GUARD for ever with made-up globalNos. Rows that name a contract
 * (APPLIED, or COMPENSATED after undoing one) are the contract's history and stay.
 * A tombstone also refuses a forward step that arrives after its compensation; the retention must
 * outlast the latest such step (deadline, redeliveries: hours at most; the default is 7 days).
 */
export async function purgeGuardTombstones(database: ServiceDatabase, retentionMs: number): Promise<number> {
  const cutoff = database.timestamp(new Date(Date.now() - retentionMs));
  const result = await database.db
    .deleteFrom('SA_SAGA_GUARD')
    .where('STATE', '=', 'COMPENSATED')
    .where('CONT_NO', 'is', null)
    .where('CHANGED_AT', '<', cutoff)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
