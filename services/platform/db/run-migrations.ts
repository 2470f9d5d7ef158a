import { Migrator, type Kysely, type Migration } from 'kysely';
import type { AnyDb } from './create-database';

export type Migrations = Record<string, Migration>;

/** Brings the schema up to date at start-up; names sort in the order they must run. */
export async function runMigrations(db: Kysely<AnyDb>, migrations: Migrations): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }
}
