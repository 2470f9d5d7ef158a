import type { Transaction } from 'kysely';
import type { AnyDb, ServiceDatabase } from './create-database';

/**
 * Rows a transaction adds to one table, written by `write` in one statement just before the
 * transaction commits (one round trip for all of them: an outbox's events, a saga's steps). In a
 * transaction not of `database.transaction`, nothing would run it then: each row is written at once.
 * Nothing reads these rows back inside the transaction that adds them.
 */
export function stagedInserts<Row>(database: Pick<ServiceDatabase, 'beforeCommit'>, write: (trx: Transaction<AnyDb>, rows: Row[]) => Promise<void>) {
  const staged = new WeakMap<Transaction<AnyDb>, Row[]>();
  return async (trx: Transaction<AnyDb>, row: Row): Promise<void> => {
    let rows = staged.get(trx);
    if (!rows) {
      const mine: Row[] = [];
      if (database.beforeCommit(trx, () => write(trx, mine))) staged.set(trx, (rows = mine));
    }
    if (rows) rows.push(row);
    else await write(trx, [row]);
  };
}
