import { sql, type Transaction } from 'kysely';
import { createConnection } from 'mysql2/promise';
import { createDatabase, type AnyDb, type ServiceDatabase } from '../../services/platform/db/create-database';

// On MariaDB the services send their statements prepared (the binary protocol): each shape is
// parsed once per connection and then only its values travel, never as SQL text. What an operator
// relies on: values come back exactly as written (Korean, 4-byte characters, dates to the
// millisecond, large numbers, nulls); a statement used again is not prepared again; shapes that
// change with the data (IN lists, multi-row inserts) are not prepared at all; and no connection
// keeps more than 64 prepared, so many processes stay under the server's cap
// (`max_prepared_stmt_count`). Counted with the connection's own status counters.
const NAME = `sa_prep_${Date.now().toString(36)}_${process.pid}`;
let database: ServiceDatabase;

beforeAll(async () => {
  database = await createDatabase({ kind: 'mariadb', sqliteFile: ':memory:', mariadbUrl: `mysql://root@127.0.0.1:3306/${NAME}` });
  await sql`CREATE TABLE T (ID integer primary key auto_increment, NAME varchar(100), AT datetime(6), AMOUNT bigint, NOTE text)`.execute(database.db);
});
afterAll(async () => {
  await database?.close();
  const admin = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  await admin.query(`DROP DATABASE IF EXISTS \`${NAME}\``);
  await admin.end();
});

/** This connection's statement counters (a statement without values goes as text, so it counts nothing itself). */
async function counters(trx: Transaction<AnyDb>) {
  const { rows } = await sql<{ Variable_name: string; Value: string }>`SHOW SESSION STATUS LIKE 'Com_stmt_%'`.execute(trx);
  const value = (name: string) => Number(rows.find((r) => r.Variable_name === name)?.Value ?? NaN);
  return { prepare: value('Com_stmt_prepare'), execute: value('Com_stmt_execute'), close: value('Com_stmt_close') };
}

test('values written through prepared statements read back exactly: Korean, a 4-byte character, a date to the millisecond, a large number, null', async () => {
  const at = new Date('2026-12-07T23:59:58.123Z');
  const inserted = await database.db.insertInto('T').values({ NAME: '김민수 😀', AT: at, AMOUNT: 2 ** 53 - 1, NOTE: null }).executeTakeFirstOrThrow();
  const row = await database.db.selectFrom('T').selectAll().where('ID', '=', Number(inserted.insertId)).executeTakeFirstOrThrow();
  expect(row).toEqual({ ID: Number(inserted.insertId), NAME: '김민수 😀', AT: at, AMOUNT: 2 ** 53 - 1, NOTE: null });
  // A value that looks like SQL stays a value.
  const hostile = "x'; DROP TABLE T; --";
  await database.db.updateTable('T').set({ NOTE: hostile }).where('ID', '=', Number(inserted.insertId)).execute();
  expect(await database.db.selectFrom('T').select('NOTE').where('NOTE', '=', hostile).execute()).toEqual([{ NOTE: hostile }]);
});

test('a statement used again is not prepared again; IN lists and multi-row inserts go as text', async () => {
  await database.transaction(async (trx) => {
    const before = await counters(trx);
    for (let i = 0; i < 10; i++) {
      await trx.insertInto('T').values({ NAME: `n${i}`, AMOUNT: i }).execute();
      await trx.selectFrom('T').select('ID').where('NAME', '=', `n${i}`).limit(1).execute();
    }
    const reused = await counters(trx);
    // Two shapes, each prepared at most once (once if this connection had not prepared it yet), twenty executions.
    expect(reused.prepare - before.prepare).toBeLessThanOrEqual(2);
    expect(reused.execute - before.execute).toBe(20);

    for (let n = 2; n <= 6; n++) {
      const names = Array.from({ length: n }, (_, i) => `n${i}`);
      expect(await trx.selectFrom('T').select('NAME').distinct().where('NAME', 'in', names).execute()).toHaveLength(n);
      await trx.insertInto('T').values(names.map((NAME) => ({ NAME }))).execute();
    }
    const after = await counters(trx);
    expect(after.prepare).toBe(reused.prepare);
    expect(after.execute).toBe(reused.execute);
  });
});

test('no connection keeps more than 64 statements prepared: the least recently used are closed', async () => {
  await database.transaction(async (trx) => {
    const before = await counters(trx);
    // 100 shapes, one use each.
    for (let i = 0; i < 100; i++) await trx.selectFrom('T').select(sql<number>`${sql.lit(i)}`.as('N')).where('ID', '>', 0).limit(1).execute();
    const after = await counters(trx);
    expect(after.prepare - before.prepare).toBe(100);
    expect(after.close - before.close).toBeGreaterThanOrEqual(100 - 64);
    // What is prepared and not closed on this connection stays within the limit.
    expect(after.prepare - after.close).toBeLessThanOrEqual(64);
  });
});

test("with the server's cap on prepared statements reached (other processes share it), statements still run, as text", async () => {
  const admin = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  const [[{ cap }]] = (await admin.query('SELECT @@GLOBAL.max_prepared_stmt_count AS cap')) as unknown as [[{ cap: number }]];
  try {
    await admin.query('SET GLOBAL max_prepared_stmt_count = 0');
    await database.transaction(async (trx) => {
      const before = await counters(trx);
      // A shape this connection has never prepared.
      await trx.insertInto('T').values({ NAME: '상한 도달 🚧', AMOUNT: 7, NOTE: 'capped' }).execute();
      expect(await trx.selectFrom('T').select(['NAME', 'AMOUNT']).where('NOTE', '=', 'capped').execute()).toEqual([{ NAME: '상한 도달 🚧', AMOUNT: 7 }]);
      const after = await counters(trx);
      expect(after.execute).toBe(before.execute);
    });
  } finally {
    await admin.query(`SET GLOBAL max_prepared_stmt_count = ${Number(cap)}`);
    await admin.end();
  }
});
