import { sql, type Kysely, type Migration } from 'kysely';
import type { AnyDb } from '../platform/db/create-database';

/**
 * The service number's digits alone, so that "1234" finds 010-1234-5678 (docs/contracts.md,
 * "Search"). Filled for the rows already there from SVC_NO (dashes and spaces are all a valid
 * number holds besides digits); the consumer writes it with every change from now on.
 */
export const addServiceDigits: Migration = {
  up: async (db: Kysely<AnyDb>) => {
    await db.schema.alterTable('SA_CONTRACT_VIEW').addColumn('SVC_DIGITS', 'varchar(40)', (c) => c.notNull().defaultTo('')).execute();
    await sql`update SA_CONTRACT_VIEW set SVC_DIGITS = replace(replace(SVC_NO, '-', ''), ' ', '')`.execute(db);
  },
};
