import path from 'node:path';
import { createPool, type ExecuteValues, type Pool, type PoolConnection, type QueryValues } from 'mysql2';
import { createConnection } from 'mysql2/promise';
import { Kysely, MysqlDialect, SqliteDialect, sql, type MysqlPool, type MysqlPoolConnection, type Transaction } from 'kysely';
import { openSqliteDriver } from './open-sqlite-driver';
import { retryOnDeadlock } from './retry-on-deadlock';
import { assertWritableDir } from '../../../lib/fs/assert-writable-dir';
import { SettingToFix } from '../../../lib/http/retry-until-ready';

export type DbKind = 'sqlite' | 'mariadb';

/**
 * Table names come from data (one contract-table definition serves three services), so the query
 * builder is untyped here; rows get their types at the repository's edge.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's schema parameter for tables known only at run time; rows are typed where they are read
export type AnyDb = any;

export interface ServiceDatabase {
  kind: DbKind;
  db: Kysely<AnyDb>;
  /** A moment (default: now) in the form this engine stores; SQLite has no date type. */
  timestamp(at?: Date): Date | string;
  /**
   * Runs `work` in one transaction; then, still inside it, what `beforeCommit` registered for it (in
   * order); once it has committed, what `afterCommit` registered. A deadlock, lock-wait timeout or
   * busy SQLite file runs it again in a fresh transaction (`retryOnDeadlock`), so `work` keeps its
   * state inside: what it did in a rolled-back attempt is gone.
   */
  transaction<T>(work: (trx: Transaction<AnyDb>) => Promise<T>): Promise<T>;
  /**
   * Runs `last` inside `trx` after its work, just before the commit (a failure rolls it back):
   * rows staged during the transaction go out in one statement. False when `trx` is not one of
   * `transaction`'s: nothing will run it.
   */
  beforeCommit(trx: Transaction<AnyDb>, last: () => Promise<void>): boolean;
  /**
   * Runs `then` once `trx` has committed (never if it rolls back). False when `trx` is not one of
   * `transaction`'s: nothing will tell when it commits.
   */
  afterCommit(trx: Transaction<AnyDb>, then: () => void): boolean;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  kind: DbKind;
  sqliteFile: string;
  /** The setting that named `sqliteFile`, for the one-line start-up error when its folder is not writable. */
  sqliteSetting?: string;
  mariadbUrl: string;
  /** The setting that named `mariadbUrl`, for the one-line start-up error when MariaDB refuses its user. */
  mariadbSetting?: string;
}

export async function createDatabase(options: DatabaseOptions): Promise<ServiceDatabase> {
  const db = options.kind === 'sqlite' ? openSqlite(options.sqliteFile, options.sqliteSetting ?? 'SQLITE_FILE') : await openMariadb(options.mariadbUrl, options.mariadbSetting ?? 'MARIADB_URL');
  const commitHooks = new WeakMap<Transaction<AnyDb>, { before: (() => Promise<void>)[]; after: (() => void)[] }>();
  return {
    kind: options.kind,
    db,
    timestamp: options.kind === 'sqlite' ? (at = new Date()) => at.toISOString() : (at = new Date()) => at,
    transaction: (work) =>
      retryOnDeadlock(async () => {
        let open: Transaction<AnyDb> | undefined;
        const result = await db.transaction().execute(async (trx) => {
          open = trx;
          const hooks = { before: [] as (() => Promise<void>)[], after: [] as (() => void)[] };
          commitHooks.set(trx, hooks);
          const answer = await work(trx);
          // A hook may stage more (and register another hook): run until none is left.
          for (let i = 0; i < hooks.before.length; i++) await hooks.before[i]();
          return answer;
        });
        for (const then of (open && commitHooks.get(open)?.after) ?? []) then();
        return result;
      }),
    beforeCommit: (trx, last) => {
      const hooks = commitHooks.get(trx);
      hooks?.before.push(last);
      return Boolean(hooks);
    },
    afterCommit: (trx, then) => {
      const hooks = commitHooks.get(trx);
      hooks?.after.push(then);
      return Boolean(hooks);
    },
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

function openSqlite(file: string, setting: string): Kysely<AnyDb> {
  // SQLite writes its WAL and shared-memory files beside the database: the folder must be writable.
  if (file !== ':memory:') assertWritableDir(setting, path.dirname(path.resolve(file)));
  // WAL lets readers run beside the writer; NORMAL sync is durable across process crashes in WAL.
  const database = openSqliteDriver(file, ['journal_mode = WAL', 'synchronous = NORMAL', 'busy_timeout = 5000']);
  return new Kysely({ dialect: new SqliteDialect({ database }) });
}

/** MariaDB's answers that no wait will change: the user or its password is wrong (1045), or it may not use the database (1044). */
const ACCESS_DENIED = new Set([1044, 1045]);

/**
 * Creates the service's own database if missing (database per service), then opens a pool on it.
 * A MariaDB that does not answer yet is waited for (the caller retries); one that refuses the user
 * stops the start with one line naming the setting (`SettingToFix`).
 */
async function openMariadb(url: string, setting: string): Promise<Kysely<AnyDb>> {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(database)) throw new Error('The MariaDB URL must name a database of letters, digits and _');
  const refused = (err: unknown) => {
    const { errno, message } = err as { errno?: number; message?: string };
    if (!ACCESS_DENIED.has(errno ?? 0)) throw err;
    throw new SettingToFix(`${setting}: MariaDB refused the user "${connectionOf(parsed).user}": ${message ?? ''}`, { cause: err });
  };
  const admin = await createConnection({ ...connectionOf(parsed) }).catch(refused);
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`).catch(refused);
  } finally {
    await admin.end();
  }
  // UTC on the wire so a Date written is the Date read back, whatever the server's zone.
  const pool = createPool({ ...connectionOf(parsed), database, timezone: 'Z', connectionLimit: 10, maxPreparedStatements: PREPARED_PER_CONNECTION });
  return new Kysely({ dialect: new MysqlDialect({ pool: preparedStatements(pool) }) });
}

/**
 * Statements each connection keeps prepared, the least recently used closed beyond it: the
 * services' statements are a few dozen shapes, and MariaDB caps prepared statements server-wide
 * (`max_prepared_stmt_count`, 16,382 by default) across every process of every service.
 */
const PREPARED_PER_CONNECTION = 64;
/** What MariaDB can prepare and the services send with parameters; the rest (BEGIN, DDL, locks) goes as text. */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;
/**
 * A shape that changes with its data (an `IN` list, rows of a multi-row insert) would be prepared
 * for one use, at one round trip more, and crowd the fixed shapes out: it goes as text.
 */
const VARIABLE_SHAPE = /\bin \(\?, \?|\bvalues \([^)]*\), \(/i;
/** MariaDB's error when `max_prepared_stmt_count` statements are prepared server-wide. */
const ER_MAX_PREPARED_STMT_COUNT_REACHED = 1461;
const prepared = (sqlText: string) => PREPARABLE.test(sqlText) && !VARIABLE_SHAPE.test(sqlText);

/**
 * The pool as Kysely sees it, its statements with parameters sent prepared (the binary protocol):
 * each shape of statement is parsed once per connection, then only its parameters travel. That
 * costs MariaDB and the service less than a text query per call (docs/benchmarks.md, "Prepared
 * statements"), and the values never become SQL text.
 */
function preparedStatements(pool: Pool): MysqlPool {
  const adapt = (connection: PoolConnection): MysqlPoolConnection => {
    const text = (sqlText: string, parameters: readonly unknown[], callback?: (err: unknown, result: unknown) => void) => connection.query(sqlText, parameters as QueryValues, callback);
    return {
      query: (sqlText: string, parameters: readonly unknown[], callback?: (err: unknown, result: unknown) => void) => {
        if (!callback || parameters.length === 0 || !prepared(sqlText)) return text(sqlText, parameters, callback);
        // The server's cap on prepared statements reached (other processes share it): this one goes as
        // text; nothing ran, since the prepare failed before the statement did.
        return connection.execute(sqlText, parameters as ExecuteValues[], (err, result) =>
          err?.errno === ER_MAX_PREPARED_STMT_COUNT_REACHED ? text(sqlText, parameters, callback) : callback(err, result),
        );
      },
      release: () => connection.release(),
    } as MysqlPoolConnection;
  };
  return {
    getConnection: (callback) => pool.getConnection((err, connection) => (err ? callback(err, undefined as never) : callback(null, adapt(connection)))),
    end: (callback) => pool.end(callback),
  };
}

function connectionOf(url: URL) {
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
  };
}
