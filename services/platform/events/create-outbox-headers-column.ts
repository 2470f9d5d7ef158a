import type { Kysely, Migration } from 'kysely';
import type { AnyDb } from '../db/create-database';

/** An outbox row keeps the trace context of the transaction that wrote it (JSON headers), so the relay publishes it. */
export const createOutboxHeadersColumn: Migration = {
  up: async (db: Kysely<AnyDb>) => {
    await db.schema.alterTable('SA_OUTBOX').addColumn('HEADERS', 'varchar(1000)').execute();
  },
};
