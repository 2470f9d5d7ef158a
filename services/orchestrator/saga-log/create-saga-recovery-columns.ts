import { sql, type Kysely, type Migration } from 'kysely';
import type { AnyDb } from '../../platform/db/create-database';

/**
 * What a saga needs to be recovered from MS1's database alone: its deadline (both
 * modes), and while COMPENSATING the compensations still to do (UNDO, in order), the attempts made
 * and when the next one is due. One column per statement: SQLite adds one at a time.
 */
export const createSagaRecoveryColumns: Migration = {
  up: async (db: Kysely<AnyDb>) => {
    await db.schema.alterTable('SA_SAGA').addColumn('DEADLINE_AT', sql`datetime(6)`).execute();
    await db.schema.alterTable('SA_SAGA').addColumn('ATTEMPTS', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('SA_SAGA').addColumn('NEXT_TRY_AT', sql`datetime(6)`).execute();
    await db.schema.alterTable('SA_SAGA').addColumn('UNDO', 'varchar(100)').execute();
    await db.schema.createIndex('IX_SA_SAGA_STATE').on('SA_SAGA').columns(['STATE', 'NEXT_TRY_AT']).execute();
  },
};
