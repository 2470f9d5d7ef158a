import type { Transaction } from 'kysely';
import type { AnyDb, ServiceDatabase } from '../../platform/db/create-database';
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

/** A SA_SAGA_PENDING row, with its saga's start, as the drivers return it (dates as Date on MariaDB, text on SQLite). */
interface PendingRow {
  STARTED_AT: string | Date;
  GLOBAL_NO: string; KIND: SagaKind; SA_PPON_CONT_NO: number; SA_INETAPLCA_CONT_NO: number | null; SA_INTELNET_CONT_NO: number | null;
  FIELDS: string; COMPENSATE_YN: 'Y' | 'N' | null; AWAITING: EventName; ATTEMPT: number; AWAIT_SINCE: string | Date; DEADLINE_AT: string | Date; FAILURE: string | null;
}

/** SA_SAGA_PENDING: one row per open broker-mode saga, deleted when it ends, so a restart resumes it. */
export interface PendingSagas {
  /** The saga's row, whole (every field `save` writes). */
  open(trx: Transaction<AnyDb>, saga: PendingSaga): Promise<void>;
  /** The saga's row, with when it started (SA_SAGA), locked for the transaction (each transition holds it). */
  load(trx: Transaction<AnyDb>, globalNo: string): Promise<PendingSaga | undefined>;
  save(trx: Transaction<AnyDb>, saga: PendingSaga): Promise<void>;
  close(trx: Transaction<AnyDb>, globalNo: string): Promise<void>;
  /** Sagas whose awaited reply is past its deadline, the oldest first. */
  overdue(limit: number): Promise<string[]>;
}

export function createPendingSagas(database: ServiceDatabase): PendingSagas {
  const { db } = database;
  return {
    open: async (trx, p) => {
      await trx
        .insertInto('SA_SAGA_PENDING')
        .values({
          GLOBAL_NO: p.globalNo, KIND: p.kind, SA_PPON_CONT_NO: p.saPponContNo, SA_INETAPLCA_CONT_NO: p.saInetaplcaContNo ?? null, SA_INTELNET_CONT_NO: p.saIntelnetContNo ?? null,
          FIELDS: JSON.stringify(p.fields), COMPENSATE_YN: p.compensateYn ?? null,
          AWAITING: p.awaiting, ATTEMPT: p.attempt, AWAIT_SINCE: database.timestamp(p.awaitSince), DEADLINE_AT: database.timestamp(p.deadlineAt), FAILURE: p.failure,
        })
        .execute();
    },
    load: async (trx, globalNo) => {
      let query = trx
        .selectFrom('SA_SAGA_PENDING as p')
        .innerJoin('SA_SAGA as s', 's.GLOBAL_NO', 'p.GLOBAL_NO')
        .selectAll('p')
        .select('s.STARTED_AT')
        .where('p.GLOBAL_NO', '=', globalNo);
      if (database.kind === 'mariadb') query = query.forUpdate();
      const r = (await query.executeTakeFirst()) as PendingRow | undefined;
      return (
        r && {
          globalNo: r.GLOBAL_NO, kind: r.KIND, saPponContNo: r.SA_PPON_CONT_NO, saInetaplcaContNo: r.SA_INETAPLCA_CONT_NO, saIntelnetContNo: r.SA_INTELNET_CONT_NO,
          fields: JSON.parse(r.FIELDS) as Record<string, string>, compensateYn: r.COMPENSATE_YN ?? undefined, awaiting: r.AWAITING, attempt: r.ATTEMPT,
          awaitSince: new Date(r.AWAIT_SINCE), deadlineAt: new Date(r.DEADLINE_AT), failure: r.FAILURE, startedAt: new Date(r.STARTED_AT),
        }
      );
    },
    save: async (trx, p) => {
      await trx
        .updateTable('SA_SAGA_PENDING')
        .set({
          AWAITING: p.awaiting, ATTEMPT: p.attempt, AWAIT_SINCE: database.timestamp(p.awaitSince), DEADLINE_AT: database.timestamp(p.deadlineAt), FAILURE: p.failure,
          SA_INETAPLCA_CONT_NO: p.saInetaplcaContNo ?? null, SA_INTELNET_CONT_NO: p.saIntelnetContNo ?? null,
        })
        .where('GLOBAL_NO', '=', p.globalNo)
        .execute();
    },
    close: async (trx, globalNo) => {
      await trx.deleteFrom('SA_SAGA_PENDING').where('GLOBAL_NO', '=', globalNo).execute();
    },
    overdue: async (limit) => {
      const rows: { GLOBAL_NO: string }[] = await db
        .selectFrom('SA_SAGA_PENDING').select('GLOBAL_NO').where('DEADLINE_AT', '<', database.timestamp()).orderBy('DEADLINE_AT').limit(limit).execute();
      return rows.map((r) => r.GLOBAL_NO);
    },
  };
}
