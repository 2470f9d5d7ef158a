import { sql, type Kysely, type Migration } from 'kysely';
import type { AnyDb } from '../../platform/db/create-database';

/**
 * A participant's record of what each saga did here, by globalNo: APPLIED (with the contract it
 * wrote) or COMPENSATED. A COMPENSATED row written before the step it undoes is a tombstone: the
 * late step is refused, whatever order the messages or HTTP calls arrived in.
 */
export const createSagaGuardTable: Migration = {
  up: async (db: Kysely<AnyDb>) => {
    await db.schema
      .createTable('SA_SAGA_GUARD')
      .addColumn('GLOBAL_NO', 'varchar(100)', (c) => c.primaryKey())
      .addColumn('CONT_NO', 'integer')
      .addColumn('STATE', 'varchar(12)', (c) => c.notNull())
      .addColumn('CHANGED_AT', sql`datetime(6)`, (c) => c.notNull())
      .execute();
  },
};
