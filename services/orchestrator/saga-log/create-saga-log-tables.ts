import { sql, type Kysely, type Migration } from 'kysely';
import type { AnyDb } from '../../platform/db/create-database';

/** The saga log [fix]: one row per saga, one row per step attempt. */
export const createSagaLogTables: Migration = {
  up: async (db: Kysely<AnyDb>) => {
    await db.schema
      .createTable('SA_SAGA')
      .addColumn('GLOBAL_NO', 'varchar(100)', (c) => c.primaryKey())
      .addColumn('SA_PPON_CONT_NO', 'integer', (c) => c.notNull())
      .addColumn('KIND', 'varchar(10)', (c) => c.notNull())
      .addColumn('MODE', 'varchar(10)', (c) => c.notNull())
      .addColumn('STATE', 'varchar(30)', (c) => c.notNull())
      .addColumn('MESSAGE', 'varchar(500)')
      .addColumn('STARTED_AT', sql`datetime(6)`, (c) => c.notNull())
      .addColumn('ENDED_AT', sql`datetime(6)`)
      .execute();
    await db.schema.createIndex('IX_SA_SAGA_CONT').on('SA_SAGA').column('SA_PPON_CONT_NO').execute();
    await db.schema
      .createTable('SA_SAGA_STEP')
      .addColumn('SA_SAGA_STEP_NO', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('GLOBAL_NO', 'varchar(100)', (c) => c.notNull())
      .addColumn('PARTICIPANT', 'varchar(20)', (c) => c.notNull())
      .addColumn('ACTION', 'varchar(50)', (c) => c.notNull())
      .addColumn('ATTEMPT', 'integer', (c) => c.notNull())
      .addColumn('OUTCOME', 'varchar(20)', (c) => c.notNull())
      .addColumn('DURATION_MS', 'integer', (c) => c.notNull())
      .addColumn('ERROR', 'varchar(500)')
      .addColumn('STARTED_AT', sql`datetime(6)`, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('IX_SA_SAGA_STEP_SAGA').on('SA_SAGA_STEP').column('GLOBAL_NO').execute();
  },
};
