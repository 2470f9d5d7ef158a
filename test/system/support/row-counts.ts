import { sql, type Kysely } from 'kysely';
import type { AnyDb } from '../../../services/platform/db/create-database';

/** Rows in every table of a service's database, by table name: "nothing written" is these unchanged. */
export async function rowCounts(db: Kysely<AnyDb>): Promise<Record<string, number>> {
  const tables = await db.introspection.getTables();
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(name)}`.execute(db);
    counts[name] = Number(rows[0].n);
  }
  return counts;
}
