import type { Transaction } from 'kysely';
import { AppError } from '../../../lib/errors/app-error';
import type { CompensationOutcome, ContractWriter } from '../../platform/contracts/contract-store';
import type { AnyDb, ServiceDatabase } from '../../platform/db/create-database';

export type GuardState = 'APPLIED' | 'COMPENSATED';
export interface Guard {
  state: GuardState;
  contNo: number | null;
}

export interface SagaGuard {
  /**
   * A forward step (register or modify) of saga `globalNo`: refused (409 CONFLICT) once that saga
   * was compensated here; a repeat of a step already applied changes nothing and returns its contract.
   */
  forward(w: ContractWriter, globalNo: string, write: () => Promise<number>, knownNo?: number): Promise<number>;
  /**
   * Undoes saga `globalNo`'s step here, found by globalNo (MS1 may never have learnt our number).
   * Nothing applied yet: a tombstone is written and the compensation succeeds. `namedNo` is the
   * contract a direct caller named: without a guard row it must be this saga's (rows from before guards).
   */
  compensate(w: ContractWriter, globalNo: string, apply: 'cancelRegistration' | 'restoreFromHistory', namedNo?: number): Promise<{ outcome: CompensationOutcome; no: number | null }>;
}

export function createSagaGuard(database: ServiceDatabase): SagaGuard {
  /**
   * Claims the guard row of `globalNo` with `state`: inserted (answers undefined) or, when the saga
   * already has one, that row, locked for the transaction; `contNo` is the contract, when known
   * before the write. Insert first, never a locking read of a missing key: on MariaDB that takes a
   * gap lock, and two sagas' inserts into the same gap deadlock.
   */
  const claim = async (trx: Transaction<AnyDb>, globalNo: string, state: GuardState, contNo: number | null = null): Promise<Guard | undefined> => {
    const inserted = await trx
      .insertInto('SA_SAGA_GUARD')
      .orIgnore()
      .values({ GLOBAL_NO: globalNo, STATE: state, CONT_NO: contNo, CHANGED_AT: database.timestamp() })
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return undefined;
    let query = trx.selectFrom('SA_SAGA_GUARD').select(['STATE', 'CONT_NO']).where('GLOBAL_NO', '=', globalNo);
    if (database.kind === 'mariadb') query = query.forUpdate();
    const row = await query.executeTakeFirstOrThrow();
    return { state: row.STATE as GuardState, contNo: row.CONT_NO === null ? null : Number(row.CONT_NO) };
  };
  const mark = (trx: Transaction<AnyDb>, globalNo: string, state: GuardState, contNo: number | null) =>
    trx.updateTable('SA_SAGA_GUARD').set({ STATE: state, CONT_NO: contNo, CHANGED_AT: database.timestamp() }).where('GLOBAL_NO', '=', globalNo).execute();

  return {
    forward: async (w, globalNo, write, knownNo) => {
      // A modify names its contract: the row goes in complete, and a failed write rolls it back with the rest.
      const guard = await claim(w.trx, globalNo, 'APPLIED', knownNo ?? null);
      if (guard?.state === 'COMPENSATED') throw new AppError('CONFLICT', `Saga ${globalNo} was already compensated here; its late step is refused`);
      if (guard && guard.contNo !== null) return guard.contNo;
      const no = await write();
      if (guard || knownNo === undefined) await mark(w.trx, globalNo, 'APPLIED', no);
      return no;
    },
    compensate: async (w, globalNo, apply, namedNo) => {
      const guard = await claim(w.trx, globalNo, 'COMPENSATED');
      // Inserted: nothing of this saga was applied here; the row is the tombstone (unless a direct caller named a contract).
      if (!guard) {
        if (namedNo === undefined) return { outcome: 'done', no: null };
        const outcome = await w[apply](namedNo, globalNo);
        // Rows from before the guard existed: it must be this saga's, or nothing is written (no tombstone either).
        if (outcome !== 'done') throw new GuardRefusal(outcome, namedNo);
        await mark(w.trx, globalNo, 'COMPENSATED', namedNo);
        return { outcome, no: namedNo };
      }
      if (guard.state === 'COMPENSATED' || guard.contNo === null) return { outcome: 'done', no: guard.contNo };
      const outcome = await w[apply](guard.contNo, globalNo);
      if (outcome === 'done') await mark(w.trx, globalNo, 'COMPENSATED', guard.contNo);
      return { outcome, no: guard.contNo };
    },
  };
}

/** Rolls the transaction back (no tombstone) when a named contract could not be compensated. */
export class GuardRefusal extends Error {
  constructor(
    readonly outcome: Exclude<CompensationOutcome, 'done'>,
    readonly no: number,
  ) {
    super(`contract ${no}: ${outcome}`);
  }
}
