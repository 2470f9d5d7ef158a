import { Migrator, type Kysely, type Migration } from 'kysely';
import type { AnyDb } from './create-database';

export type Migrations = Record<string, Migration>;

/**
 * Brings the schema up to date at start-up; names sort in the order they must run. On MariaDB,
 * Kysely holds a lock while migrating, so replicas starting together migrate one after the other.
 * On SQLite it takes none (one connection per process): two processes starting on one fresh file
 * race, the loser fails on a table the winner just made, and `retries` lets it look again once the
 * winner is done (then there is nothing left to run).
 */
export async function runMigrations(db: Kysely<AnyDb>, migrations: Migrations, retries = 0): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (!error && !failed) return;
    if (attempt >= retries) throw new Error(`Migration ${failed?.migrationName ?? ''} failed`, { cause: error });
    await new Promise((resolve) => setTimeout(resolve, 250 * (attempt + 1) + Math.random() * 250));
  }
}
