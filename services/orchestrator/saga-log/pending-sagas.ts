import type { Transaction } from 'kysely';
import type { AnyDb, ServiceDatabase } from '../../platform/db/create-database';
import type { ContractRow } from '../../platform/contracts/contract-store';
import type { ContractTable } from '../../platform/contracts/contract-table';
import type { EventName } from '../../platform/events/saga-events';
import type { SagaFacts, SagaKind } from '../workflows/saga-workflow';

/** A broker-mode saga between two messages: what it awaits, since when, until when. */
export interface PendingSaga extends SagaFacts {
  kind: SagaKind;
  awaiting: EventName;
  attempt: number;
  awaitSince: Date;
  deadlineAt: Date;
  failure: string | null;
}

/** What `load` answers: the saga, and MS1's contract row as locked with it (undefined if it is gone). */
export interface LoadedSaga extends PendingSaga {
  contract: ContractRow | undefined;
}

/** A saga's SA_SAGA row as `load` reads it (dates as Date on MariaDB, text on SQLite). */
interface PendingRow {
  STARTED_AT: string | Date;
  GLOBAL_NO: string; KIND: SagaKind; SA_PPON_CONT_NO: number; SA_INETAPLCA_CONT_NO: number | null; SA_INTELNET_CONT_NO: number | null;
  FIELDS: string; COMPENSATE_YN: 'Y' | 'N' | null; AWAITING: EventName; AWAIT_ATTEMPT: number; AWAIT_SINCE: string | Date; REPLY_DEADLINE_AT: string | Date; FAILURE: string | null;
}

/**
 * A broker-mode saga's state between two messages, kept in its SA_SAGA row (migration
 * `011_pending_in_saga`): written with the row at its begin (`columns`), changed by each transition
 * (`save`), cleared when the saga ends (the saga log's `end`), so a restart resumes it.
 */
export interface PendingSagas {
  /** The saga's columns for the SA_SAGA row its begin inserts: the row is written once, already awaiting the first reply. */
  columns(saga: PendingSaga): Record<string, unknown>;
  /**
   * The saga, if it awaits a reply, locked for the transaction (each transition holds it), with
   * MS1's contract row read and locked in the same statement: the transition's writes to it then
   * announce the row they leave without reading it again.
   */
  load(trx: Transaction<AnyDb>, globalNo: string): Promise<LoadedSaga | undefined>;
  save(trx: Transaction<AnyDb>, saga: PendingSaga): Promise<void>;
  /** Sagas whose awaited reply is past its deadline, the oldest first. */
  overdue(limit: number): Promise<string[]>;
}

const SAGA_COLUMNS = ['GLOBAL_NO', 'KIND', 'SA_PPON_CONT_NO', 'SA_INETAPLCA_CONT_NO', 'SA_INTELNET_CONT_NO', 'FIELDS', 'COMPENSATE_YN', 'AWAITING', 'AWAIT_ATTEMPT', 'AWAIT_SINCE', 'REPLY_DEADLINE_AT', 'FAILURE', 'STARTED_AT'] as const;
/** The saga's columns come back under this prefix, apart from the contract's (some names are in both tables). */
const SAGA = 'SAGA__';

export function createPendingSagas(database: ServiceDatabase, contracts: ContractTable): PendingSagas {
  const { db } = database;
  const t = contracts;
  /** What changes from one message to the next. */
  const awaitingColumns = (p: PendingSaga) => ({
    AWAITING: p.awaiting, AWAIT_ATTEMPT: p.attempt, AWAIT_SINCE: database.timestamp(p.awaitSince), REPLY_DEADLINE_AT: database.timestamp(p.deadlineAt), FAILURE: p.failure,
    SA_INETAPLCA_CONT_NO: p.saInetaplcaContNo ?? null, SA_INTELNET_CONT_NO: p.saIntelnetContNo ?? null,
  });
  return {
    columns: (p) => ({ ...awaitingColumns(p), FIELDS: JSON.stringify(p.fields), COMPENSATE_YN: p.compensateYn ?? null }),
    load: async (trx, globalNo) => {
      let query = trx
        .selectFrom('SA_SAGA')
        .leftJoin(t.table, `${t.table}.${t.key}`, 'SA_SAGA.SA_PPON_CONT_NO')
        .selectAll(t.table)
        .select(SAGA_COLUMNS.map((c) => `SA_SAGA.${c} as ${SAGA}${c}`))
        .where('SA_SAGA.GLOBAL_NO', '=', globalNo)
        .where('SA_SAGA.AWAITING', 'is not', null);
      if (database.kind === 'mariadb') query = query.forUpdate();
      const joined: Record<string, unknown> | undefined = await query.executeTakeFirst();
      if (!joined) return undefined;
      const r = Object.fromEntries(SAGA_COLUMNS.map((c) => [c, joined[SAGA + c]])) as unknown as PendingRow;
      const contract = joined[t.key] === null ? undefined : Object.fromEntries(Object.entries(joined).filter(([c]) => !c.startsWith(SAGA)));
      return {
        globalNo: r.GLOBAL_NO, kind: r.KIND, saPponContNo: r.SA_PPON_CONT_NO, saInetaplcaContNo: r.SA_INETAPLCA_CONT_NO, saIntelnetContNo: r.SA_INTELNET_CONT_NO,
        fields: JSON.parse(r.FIELDS) as Record<string, string>, compensateYn: r.COMPENSATE_YN ?? undefined, awaiting: r.AWAITING, attempt: r.AWAIT_ATTEMPT,
        awaitSince: new Date(r.AWAIT_SINCE), deadlineAt: new Date(r.REPLY_DEADLINE_AT), failure: r.FAILURE, startedAt: new Date(r.STARTED_AT), contract,
      };
    },
    save: async (trx, p) => {
      await trx.updateTable('SA_SAGA').set(awaitingColumns(p)).where('GLOBAL_NO', '=', p.globalNo).execute();
    },
    overdue: async (limit) => {
      const rows: { GLOBAL_NO: string }[] = await db
        .selectFrom('SA_SAGA').select('GLOBAL_NO').where('REPLY_DEADLINE_AT', '<', database.timestamp()).orderBy('REPLY_DEADLINE_AT').limit(limit).execute();
      return rows.map((r) => r.GLOBAL_NO);
    },
  };
}
