import type { Kysely, Migration } from 'kysely';
import type { AnyDb } from '../../platform/db/create-database';

/** The trace context of the request that began the saga, so that a sweeper carrying it on later stays in its trace. */
export const createSagaTraceColumn: Migration = {
  up: async (db: Kysely<AnyDb>) => {
    await db.schema.alterTable('SA_SAGA').addColumn('TRACE_HEADERS', 'varchar(1000)').execute();
  },
};
