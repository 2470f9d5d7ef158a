import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import type { SqliteDatabase } from 'kysely';

/** The few SQLite result codes the services act on, by their SQLite names (`err.code`). */
const CODE_NAMES: Record<number, string> = { 5: 'SQLITE_BUSY', 19: 'SQLITE_CONSTRAINT', 1555: 'SQLITE_CONSTRAINT_PRIMARYKEY', 2067: 'SQLITE_CONSTRAINT_UNIQUE' };

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
const values = (params: readonly unknown[]) => params as SQLInputValue[];

/**
 * Opens a SQLite file for Kysely with Node's own `node:sqlite` (no native package to build): plain
 * row objects, and the SQLite result code names on `err.code` that the services act on.
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
  const database = new DatabaseSync(file);
  for (const pragma of pragmas) database.exec(`PRAGMA ${pragma}`);
  return {
    close: () => database.close(),
    prepare(sqlText: string) {
      const statement = named(() => database.prepare(sqlText));
      return {
        reader: statement.columns().length > 0,
        all: (params) => named(() => statement.all(...values(params)).map(plain)),
        run: (params) => named(() => statement.run(...values(params))),
        iterate: (params) => named(() => statement.iterate(...values(params))),
      };
    },
  };
}
