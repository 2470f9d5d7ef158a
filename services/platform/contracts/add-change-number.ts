import type { Kysely, Migration } from 'kysely';
import type { AnyDb } from '../db/create-database';
import type { ContractTable } from './contract-table';

/**
 * `CHG_NO`, the row's change number (+1 on every write, under the row's lock), the
 * version the read model compares. History rows copy it; a compensation never restores it.
 */
export function addChangeNumber(t: ContractTable): Migration {
  return {
    up: async (db: Kysely<AnyDb>) => {
      for (const table of [t.table, t.historyTable]) {
        await db.schema.alterTable(table).addColumn('CHG_NO', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      }
    },
  };
}
