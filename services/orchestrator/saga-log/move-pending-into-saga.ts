import { sql, type Kysely, type Migration } from 'kysely';
import type { AnyDb } from '../../platform/db/create-database';

/**
 * A broker-mode saga's state between two messages lives in its SA_SAGA row (it had a table of its
 * own, SA_SAGA_PENDING): a saga is begun with one INSERT and ended with one UPDATE, two statements
 * less per saga. Open sagas are copied over, then the old table is dropped. `AWAITING` and
 * `REPLY_DEADLINE_AT` are set only while a reply is awaited; the deadline sweeper reads the
 * latter's index, which holds no ended saga. One column per statement: SQLite adds one at a time.
 */
export const movePendingIntoSaga: Migration = {
  up: async (db: Kysely<AnyDb>) => {
    const saga = () => db.schema.alterTable('SA_SAGA');
    await saga().addColumn('SA_INETAPLCA_CONT_NO', 'integer').execute();
    await saga().addColumn('SA_INTELNET_CONT_NO', 'integer').execute();
    await saga().addColumn('FIELDS', 'text').execute();
    await saga().addColumn('COMPENSATE_YN', 'varchar(1)').execute();
    await saga().addColumn('AWAITING', 'varchar(60)').execute();
    await saga().addColumn('AWAIT_ATTEMPT', 'integer').execute();
    await saga().addColumn('AWAIT_SINCE', sql`datetime(6)`).execute();
    await saga().addColumn('REPLY_DEADLINE_AT', sql`datetime(6)`).execute();
    await saga().addColumn('FAILURE', 'varchar(500)').execute();
    await db.schema.createIndex('IX_SA_SAGA_REPLY_DEADLINE').on('SA_SAGA').column('REPLY_DEADLINE_AT').execute();
    // The sagas open at the upgrade go on from their SA_SAGA row.
    const open: Record<string, unknown>[] = await db.selectFrom('SA_SAGA_PENDING').selectAll().execute();
    for (const p of open) {
      const values = { SA_INETAPLCA_CONT_NO: p.SA_INETAPLCA_CONT_NO, SA_INTELNET_CONT_NO: p.SA_INTELNET_CONT_NO, FIELDS: p.FIELDS, COMPENSATE_YN: p.COMPENSATE_YN, AWAITING: p.AWAITING, AWAIT_ATTEMPT: p.ATTEMPT, AWAIT_SINCE: p.AWAIT_SINCE, REPLY_DEADLINE_AT: p.DEADLINE_AT, FAILURE: p.FAILURE };
      await db.updateTable('SA_SAGA').set(values).where('GLOBAL_NO', '=', p.GLOBAL_NO).execute();
    }
    await db.schema.dropTable('SA_SAGA_PENDING').execute();
  },
};
