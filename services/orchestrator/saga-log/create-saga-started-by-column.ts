import type { Kysely, Migration } from 'kysely';
import type { AnyDb } from '../../platform/db/create-database';

/**
 * Who started the saga (the acting user's `sub`, from the token MS1 verified), so that the saga
 * list shows an agent only their own sagas. Sagas begun before this column have none: only
 * operators and supervisors see them. Indexed for the list, newest first, whole or per user.
 */
export const createSagaStartedByColumn: Migration = {
  up: async (db: Kysely<AnyDb>) => {
    await db.schema.alterTable('SA_SAGA').addColumn('STARTED_BY', 'varchar(255)').execute();
    await db.schema.createIndex('IX_SA_SAGA_STARTED').on('SA_SAGA').columns(['STARTED_AT', 'GLOBAL_NO']).execute();
    await db.schema.createIndex('IX_SA_SAGA_STARTED_BY').on('SA_SAGA').columns(['STARTED_BY', 'STARTED_AT', 'GLOBAL_NO']).execute();
  },
};
