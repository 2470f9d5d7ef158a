import { sql, type Kysely, type Migration } from 'kysely';
import type { AnyDb } from '../db/create-database';

/**
 * Several processes of one service on one database (docs/scaling.md): an outbox row carries the
 * moment until which one relay holds it (`CLAIM_UNTIL`), and each periodic job (purge, sweeper) has
 * a row in `SA_JOB_LEASE` naming the process that runs it until `LEASE_UNTIL`.
 */
export const createScaleOutTables: Migration = {
  up: async (db: Kysely<AnyDb>) => {
    await db.schema.alterTable('SA_OUTBOX').addColumn('CLAIM_UNTIL', sql`datetime(6)`).execute();
    await db.schema
      .createTable('SA_JOB_LEASE')
      .addColumn('JOB_NAME', 'varchar(60)', (c) => c.primaryKey())
      .addColumn('HOLDER', 'varchar(100)', (c) => c.notNull())
      .addColumn('LEASE_UNTIL', sql`datetime(6)`, (c) => c.notNull())
      .execute();
  },
};
