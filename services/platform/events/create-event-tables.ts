import { sql, type Kysely, type Migration } from 'kysely';
import type { AnyDb } from '../db/create-database';

/**
 * Every service's transactional outbox (events committed with the row change they announce) and
 * processed-message table (one row per handled request: the idempotency key and the reply to re-send).
 */
export const createEventTables: Migration = {
  up: async (db: Kysely<AnyDb>) => {
    await db.schema
      .createTable('SA_OUTBOX')
      .addColumn('OUTBOX_NO', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('TOPIC', 'varchar(200)', (c) => c.notNull())
      .addColumn('MSG_KEY', 'varchar(100)', (c) => c.notNull())
      .addColumn('PAYLOAD', 'text', (c) => c.notNull())
      .addColumn('CREATED_AT', sql`datetime(6)`, (c) => c.notNull())
      .addColumn('AVAILABLE_AT', sql`datetime(6)`, (c) => c.notNull())
      .addColumn('SENT_AT', sql`datetime(6)`)
      .addColumn('ATTEMPTS', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('LAST_ERROR', 'varchar(500)')
      .execute();
    await db.schema.createIndex('IX_SA_OUTBOX_UNSENT').on('SA_OUTBOX').columns(['SENT_AT', 'AVAILABLE_AT']).execute();
    await db.schema
      .createTable('SA_PROCESSED_MSG')
      .addColumn('GLOBAL_NO', 'varchar(100)', (c) => c.notNull())
      .addColumn('EVENT_NAME', 'varchar(60)', (c) => c.notNull())
      .addColumn('SUCCESS_YN', 'varchar(1)', (c) => c.notNull())
      .addColumn('REPLY', 'text', (c) => c.notNull())
      .addColumn('PROCESSED_AT', sql`datetime(6)`, (c) => c.notNull())
      .addPrimaryKeyConstraint('PK_SA_PROCESSED_MSG', ['GLOBAL_NO', 'EVENT_NAME'])
      .execute();
  },
};
