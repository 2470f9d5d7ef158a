import { sql, type Kysely, type Migration } from 'kysely';
import type { AnyDb } from '../../platform/db/create-database';

/**
 * MS1's broker-mode state: one row per open saga (what it awaits, until when; deleted when the
 * saga ends), and the dead letters of every service, as MS1 receives them from the dead-letter topic.
 */
export const createPubsubTables: Migration = {
  up: async (db: Kysely<AnyDb>) => {
    await db.schema
      .createTable('SA_SAGA_PENDING')
      .addColumn('GLOBAL_NO', 'varchar(100)', (c) => c.primaryKey())
      .addColumn('KIND', 'varchar(10)', (c) => c.notNull())
      .addColumn('SA_PPON_CONT_NO', 'integer', (c) => c.notNull())
      .addColumn('SA_INETAPLCA_CONT_NO', 'integer')
      .addColumn('SA_INTELNET_CONT_NO', 'integer')
      .addColumn('FIELDS', 'text', (c) => c.notNull())
      .addColumn('COMPENSATE_YN', 'varchar(1)')
      .addColumn('AWAITING', 'varchar(60)', (c) => c.notNull())
      .addColumn('ATTEMPT', 'integer', (c) => c.notNull())
      .addColumn('AWAIT_SINCE', sql`datetime(6)`, (c) => c.notNull())
      .addColumn('DEADLINE_AT', sql`datetime(6)`, (c) => c.notNull())
      .addColumn('FAILURE', 'varchar(500)')
      .execute();
    await db.schema.createIndex('IX_SA_SAGA_PENDING_DEADLINE').on('SA_SAGA_PENDING').column('DEADLINE_AT').execute();
    await db.schema
      .createTable('SA_DEAD_LETTER')
      .addColumn('DEAD_LETTER_NO', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('SOURCE_TOPIC', 'varchar(200)', (c) => c.notNull())
      .addColumn('SOURCE_ID', 'varchar(100)', (c) => c.notNull())
      .addColumn('GROUP_NAME', 'varchar(100)', (c) => c.notNull())
      .addColumn('MSG_KEY', 'varchar(100)', (c) => c.notNull())
      .addColumn('PAYLOAD', 'text', (c) => c.notNull())
      .addColumn('ERROR', 'varchar(500)', (c) => c.notNull())
      .addColumn('ATTEMPTS', 'integer', (c) => c.notNull())
      .addColumn('DEAD_AT', sql`datetime(6)`, (c) => c.notNull())
      .addUniqueConstraint('UQ_SA_DEAD_LETTER_SOURCE', ['SOURCE_TOPIC', 'SOURCE_ID', 'GROUP_NAME'])
      .execute();
  },
};
