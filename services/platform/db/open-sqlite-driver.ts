import BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** The few SQLite result codes the services act on, named as better-sqlite3 names them. */
const CODE_NAMES: Record<number, string> = { 5: 'SQLITE_BUSY', 19: 'SQLITE_CONSTRAINT', 1555: 'SQLITE_CONSTRAINT_PRIMARYKEY', 2067: 'SQLITE_CONSTRAINT_UNIQUE' };

interface NodeSqliteStatement {
  columns(): unknown[];
  all(...params: unknown[]): object[];
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...params: unknown[]): IterableIterator<object>;
}
interface NodeSqlite {
  DatabaseSync: new (file: string) => { exec(sql: string): void; prepare(sql: string): NodeSqliteStatement; close(): void };
}

/** node:sqlite where this Node has it without a flag (22.13+, 24); undefined on Node 20. */
function nodeSqlite(): NodeSqlite | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('node:sqlite') as NodeSqlite;
  } catch {
    return undefined;
  }
}

const named = <T>(run: () => T): T => {
  try {
    return run();
  } catch (err) {
    const errcode = (err as { errcode?: number }).errcode;
    if (errcode !== undefined && CODE_NAMES[errcode]) (err as { code?: string }).code = CODE_NAMES[errcode];
    throw err;
  }
};
const plain = (row: object) => ({ ...row });

/**
 * Opens a SQLite file for Kysely. On Node 22.13+ it is Node's own `node:sqlite`: better-sqlite3
 * 12 aborts the process on Node 24 when the GC finalizes a statement ("Assertion failed: (env) !=
 * nullptr"), and 13 segfaults on Node 20. On Node 20 it is better-sqlite3 12. Both behave the same
 * to the services: plain row objects, and better-sqlite3's error code names.
 */
export function openSqliteDriver(file: string, pragmas: string[]): SqliteDatabase {
  return beginImmediate(openDriver(file, pragmas));
}

/**
 * Kysely opens a transaction with `begin` (deferred): with two processes on one file (docs/scaling.md),
 * two deferred transactions that both read then write cannot both upgrade, and SQLite fails one at
 * once with SQLITE_BUSY, whatever the busy timeout. `begin immediate` takes the write lock first, so
 * the second process waits (busy_timeout) instead. In one process it changes nothing: Kysely runs
 * one transaction at a time on its one connection.
 */
function beginImmediate(database: SqliteDatabase): SqliteDatabase {
  return {
    close: () => database.close(),
    prepare: (sqlText: string) => database.prepare(sqlText === 'begin' ? 'begin immediate' : sqlText),
  };
}

function openDriver(file: string, pragmas: string[]): SqliteDatabase {
  const builtin = nodeSqlite();
  if (!builtin) {
    const database = new BetterSqlite3(file);
    for (const pragma of pragmas) database.pragma(pragma);
    return database;
  }
  const database = new builtin.DatabaseSync(file);
  for (const pragma of pragmas) database.exec(`PRAGMA ${pragma}`);
  return {
    close: () => database.close(),
    prepare(sqlText: string) {
      const statement = named(() => database.prepare(sqlText));
      return {
        reader: statement.columns().length > 0,
        all: (params) => named(() => statement.all(...params).map(plain)),
        run: (params) => named(() => statement.run(...params)),
        iterate: (params) => named(() => statement.iterate(...params)),
      };
    },
  };
}
