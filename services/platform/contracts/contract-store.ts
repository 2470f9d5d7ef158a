import { sql, type Transaction } from 'kysely';
import { AppError } from '../../../lib/errors/app-error';
import type { AnyDb, ServiceDatabase } from '../db/create-database';
import type { ContractCache } from '../cache/create-contract-cache';
import { rowToJson } from './column-case';
import { contractColumns, type ContractTable } from './contract-table';

/** A row as stored: upper snake case column names (docs/source-design.md#the-contract-services-and-their-tables). */
export type ContractRow = Record<string, unknown>;
/** Column → value for the columns a caller may set (business and audit ids/names). */
export type ContractValues = Record<string, string | undefined>;
export type TransacSttus = 'START' | 'END' | 'CANCEL';

export interface WriteMeta {
  transacNo: string;
  transacSttus: Exclude<TransacSttus, 'CANCEL'>;
}

/**
 * What a compensation found: it applied (or had already been applied by this saga: retries are
 * safe), the contract does not exist, or a later saga owns the row and it must not be touched.
 */
export type CompensationOutcome = 'done' | 'absent' | 'foreign';

export interface ContractQuery {
  page: number;
  size: number;
  contr?: string;
  svcNo?: string;
  includeDeleted: boolean;
  /** "My contracts": only rows this MKER_ID registered (docs/identity.md#who-may-call-the-contract-services). */
  mkerId?: string;
}

/** Writes inside one transaction; `trx` lets a caller add its own rows (saga log, outbox) to it. */
export interface ContractWriter {
  readonly trx: Transaction<AnyDb>;
  insert(values: ContractValues, cross: Record<string, number>, meta: WriteMeta): Promise<number>;
  /** Writes the history row, then updates; refuses a deleted row or one whose saga is running. */
  modify(no: number, values: ContractValues, meta: WriteMeta): Promise<{ before: ContractRow; historyNo: number }>;
  /** Bookkeeping columns (no AMD_DATE); several `set`s of one contract in a transaction are one UPDATE, written before the row is next read or at the end. */
  set(no: number, values: Record<string, string | number>): Promise<void>;
  cancelRegistration(no: number, transacNo: string): Promise<CompensationOutcome>;
  restoreFromHistory(no: number, transacNo: string): Promise<CompensationOutcome>;
  /**
   * Tells the writer the row as this transaction read it under a lock (`SELECT … FOR UPDATE`, or
   * SQLite's single writer): each later update here then announces that row with what it wrote,
   * without reading it again. Only for a row nothing else can change until the commit.
   */
  locked(no: number, row: ContractRow): void;
}

export interface ContractStore {
  readonly table: ContractTable;
  /** Runs `work` in a transaction, then deletes the cache entry of every contract it changed. */
  write<T>(work: (writer: ContractWriter) => Promise<T>): Promise<T>;
  find(no: number): Promise<Record<string, unknown> | undefined>;
  findCached(no: number): Promise<{ contract: Record<string, unknown>; cached: boolean } | undefined>;
  list(query: ContractQuery): Promise<{ items: Record<string, unknown>[]; total: number }>;
  history(no: number): Promise<Record<string, unknown>[]>;
}

/**
 * Called inside the write's transaction with each changed row as it will commit (the
 * change feed puts it into the outbox), then `committed` once the transaction has committed.
 */
export interface ChangeFeed {
  /** Answers MS1's contract number of the row (what the BFFs' caches are keyed by), if it has one. */
  changed(trx: Transaction<AnyDb>, row: ContractRow): Promise<number | undefined>;
  committed(saPponContNos: number[]): void;
}

export function createContractStore(database: ServiceDatabase, table: ContractTable, cache: ContractCache, feed?: ChangeFeed): ContractStore {
  const { db } = database;
  const t = table;
  /** Columns a modify compensation copies back from the history row. */
  const restorable = contractColumns(t).filter((c) => ![t.key, 'TRANSAC_NO', 'TRANSAC_STTUS', t.prevHistoryKey].includes(c));

  const findRow = (executor: Transaction<AnyDb> | typeof db, no: number): Promise<ContractRow | undefined> =>
    executor.selectFrom(t.table).selectAll().where(t.key, '=', no).executeTakeFirst();

  /** `touched`: cache entries to drop; `changed`: rows to announce (inserts too). */
  /**
   * `stored`: each row this transaction holds locked, as it now is (an insert's RETURNING, a
   * modify's row with what it wrote, a row `locked` told of, then each update of it applied): what
   * the change feed announces, and the base a later update derives the row from.
   */
  function writerFor(trx: Transaction<AnyDb>, touched: Set<number>, changed: Set<number>, stored: Map<number, ContractRow>): ContractWriter & { flush(): Promise<void> } {
    /**
     * `amended` stamps AMD_DATE: a change of the contract, not the saga's own bookkeeping. With
     * `unchangedSince` (the row as read), the update applies only if the row is still that one, not
     * in a saga, and still at that change number; then the row as it now is, that row with what
     * this update wrote, is what the change feed announces, without reading it again.
     */
    const update = async (no: number, values: Record<string, unknown>, how: { amended: boolean; unchangedSince?: ContractRow }) => {
      const base = how.unchangedSince ?? stored.get(no);
      stored.delete(no);
      const written = how.amended ? { ...values, AMD_DATE: database.timestamp() } : values;
      let query = trx.updateTable(t.table).set({ ...written, CHG_NO: sql`CHG_NO + 1` }).where(t.key, '=', no);
      const before = how.unchangedSince;
      if (before) query = query.where('TRANSAC_STTUS', '<>', 'START').where('CHG_NO', '=', Number(before.CHG_NO));
      const result = await query.executeTakeFirst();
      touched.add(no);
      const count = Number(result.numUpdatedRows);
      if (count > 0) changed.add(no);
      // Applied: the row is this transaction's until it commits, so the row with what was written is the row.
      if (count > 0 && base) stored.set(no, { ...base, ...written, CHG_NO: Number(base.CHG_NO) + 1 });
      return count;
    };
    /** `set`s not yet written, per contract: one UPDATE each, before anything else reads or writes that row, or at the end. */
    const pendingSets = new Map<number, Record<string, unknown>>();
    const flushSets = async (no: number) => {
      const values = pendingSets.get(no);
      if (!values) return;
      pendingSets.delete(no);
      await update(no, values, { amended: false });
    };
    const ownedRow = async (no: number, transacNo: string) => {
      await flushSets(no);
      const row = await findRow(trx, no);
      if (!row) return { outcome: 'absent' as const };
      if (row.TRANSAC_NO !== transacNo) return { outcome: 'foreign' as const };
      return { outcome: 'done' as const, row };
    };

    return {
      trx,
      insert: async (values, cross, meta) => {
        // The row as stored comes back with the insert: the change feed needs no read of it.
        const inserted = trx
          .insertInto(t.table)
          .values({ ...values, ...cross, MKE_DATE: database.timestamp(), DEL_YN: 'N', TRANSAC_NO: meta.transacNo, TRANSAC_STTUS: meta.transacSttus, CHG_NO: 1 })
          .returningAll()
          .compile();
        const [row] = (await trx.executeQuery<ContractRow>(inserted)).rows;
        const no = Number(row[t.key]);
        stored.set(no, row);
        changed.add(no);
        return no;
      },
      modify: async (no, values, meta) => {
        await flushSets(no);
        const before = await findRow(trx, no);
        if (!before) throw new AppError('NOT_FOUND', `Contract ${no} does not exist`);
        if (before.DEL_YN === 'Y') throw new AppError('CONFLICT', `Contract ${no} is deleted`);
        if (before.TRANSAC_STTUS === 'START') throw new AppError('SAGA_IN_PROGRESS', `Contract ${no} is in saga ${String(before.TRANSAC_NO)}`);
        const inserted = await trx.insertInto(t.historyTable).values(before).executeTakeFirstOrThrow();
        const historyNo = Number(inserted.insertId);
        const changed = await update(
          no,
          { ...values, DEL_YN: 'N', TRANSAC_NO: meta.transacNo, TRANSAC_STTUS: meta.transacSttus, [t.prevHistoryKey]: historyNo },
          { amended: true, unchangedSince: before },
        );
        // Another saga started (or another write landed) between our read and our update: this transaction rolls back.
        if (changed === 0) throw new AppError('SAGA_IN_PROGRESS', `Contract ${no} is in another saga`);
        return { before, historyNo };
      },
      set: (no, values) => {
        pendingSets.set(no, { ...pendingSets.get(no), ...values });
        touched.add(no);
        return Promise.resolve();
      },
      cancelRegistration: async (no, transacNo) => {
        const { outcome, row } = await ownedRow(no, transacNo);
        if (!row || row.TRANSAC_STTUS === 'CANCEL') return outcome;
        await update(no, { DEL_YN: 'Y', TRANSAC_STTUS: 'CANCEL' }, { amended: true });
        return 'done';
      },
      restoreFromHistory: async (no, transacNo) => {
        const { outcome, row } = await ownedRow(no, transacNo);
        if (!row || row.TRANSAC_STTUS === 'CANCEL') return outcome;
        const history = await trx.selectFrom(t.historyTable).selectAll().where(t.historyKey, '=', row[t.prevHistoryKey]).executeTakeFirst();
        if (!history) return 'absent';
        const restored = Object.fromEntries(restorable.map((c) => [c, history[c]]));
        // PREV_…_HST_NO keeps naming the restored history row, so a retried compensation restores the same state.
        await update(no, { ...restored, TRANSAC_STTUS: 'CANCEL' }, { amended: true });
        return 'done';
      },
      locked: (no, row) => {
        stored.set(no, row);
      },
      flush: async () => {
        for (const no of [...pendingSets.keys()]) await flushSets(no);
      },
    };
  }

  return {
    table,
    write: async (work) => {
      // What one attempt touched: a deadlock's victim is run again from nothing (database.transaction).
      const { result, touched, changed, announced } = await database.transaction(async (trx) => {
        const touched = new Set<number>();
        const changed = new Set<number>();
        const announced = new Set<number>();
        const stored = new Map<number, ContractRow>();
        const writer = writerFor(trx, touched, changed, stored);
        const answer = await work(writer);
        await writer.flush();
        if (feed) {
          for (const no of changed) {
            const row = stored.get(no) ?? (await findRow(trx, no));
            const pponNo = row && (await feed.changed(trx, row));
            if (pponNo) announced.add(pponNo);
          }
        }
        return { result: answer, touched, changed, announced };
      });
      if (feed && changed.size > 0) feed.committed([...announced]);
      await Promise.all([...touched].map((no) => cache.forget(no)));
      return result;
    },
    find: async (no) => {
      const row = await findRow(db, no);
      return row && rowToJson(row);
    },
    findCached: async (no) => {
      const hit = await cache.get(no);
      if (hit) return { contract: hit, cached: true };
      const row = await findRow(db, no);
      if (!row) return undefined;
      const contract = rowToJson(row);
      await cache.set(no, contract);
      return { contract, cached: false };
    },
    list: async (query) => {
      let base = db.selectFrom(t.table);
      if (!query.includeDeleted) base = base.where('DEL_YN', '=', 'N');
      if (query.contr) base = base.where('CONTR', '=', query.contr);
      if (query.svcNo) base = base.where('SVC_NO', '=', query.svcNo);
      if (query.mkerId) base = base.where('MKER_ID', '=', query.mkerId);
      const counted = await base.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow();
      const rows: ContractRow[] = await base
        .selectAll()
        .orderBy(t.key, 'desc')
        .limit(query.size)
        .offset((query.page - 1) * query.size)
        .execute();
      return { items: rows.map(rowToJson), total: Number(counted.total) };
    },
    history: async (no) => {
      const rows: ContractRow[] = await db.selectFrom(t.historyTable).selectAll().where(t.key, '=', no).orderBy(t.historyKey).execute();
      return rows.map(rowToJson);
    },
  };
}
