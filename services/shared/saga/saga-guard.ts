import type { Transaction } from 'kysely';
import { AppError } from '../../../lib/errors/app-error';
import type { CompensationOutcome, ContractWriter } from '../contracts/contract-store';
import type { AnyDb, ServiceDatabase } from '../db/create-database';

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
  forward(w: ContractWriter, globalNo: string, write: () => Promise<number>): Promise<number>;
  /**
   * Undoes saga `globalNo`'s step here, found by globalNo (MS1 may never have learnt our number).
   * Nothing applied yet: a tombstone is written and the compensation succeeds. `namedNo` is the
   * contract a direct caller named: without a guard row it must be this saga's (rows from before guards).
   */
  compensate(w: ContractWriter, globalNo: string, apply: 'cancelRegistration' | 'restoreFromHistory', namedNo?: number): Promise<{ outcome: CompensationOutcome; no: number | null }>;
}

export function createSagaGuard(database: ServiceDatabase): SagaGuard {
  /** Locked for the transaction on MariaDB (SQLite runs one writer at a time already). */
  const lock = async (trx: Transaction<AnyDb>, globalNo: string): Promise<Guard | undefined> => {
    let query = trx.selectFrom('SA_SAGA_GUARD').select(['STATE', 'CONT_NO']).where('GLOBAL_NO', '=', globalNo);
    if (database.kind === 'mariadb') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row && { state: row.STATE as GuardState, contNo: row.CONT_NO === null ? null : Number(row.CONT_NO) };
  };
  const mark = async (trx: Transaction<AnyDb>, globalNo: string, state: GuardState, contNo: number | null, existing: boolean) => {
    if (existing) {
      await trx.updateTable('SA_SAGA_GUARD').set({ STATE: state, CONT_NO: contNo, CHANGED_AT: database.timestamp() }).where('GLOBAL_NO', '=', globalNo).execute();
    } else {
      await trx.insertInto('SA_SAGA_GUARD').values({ GLOBAL_NO: globalNo, STATE: state, CONT_NO: contNo, CHANGED_AT: database.timestamp() }).execute();
    }
  };

  return {
    forward: async (w, globalNo, write) => {
      const guard = await lock(w.trx, globalNo);
      if (guard?.state === 'COMPENSATED') throw new AppError('CONFLICT', `Saga ${globalNo} was already compensated here; its late step is refused`);
      if (guard?.state === 'APPLIED' && guard.contNo !== null) return guard.contNo;
      const no = await write();
      await mark(w.trx, globalNo, 'APPLIED', no, false);
      return no;
    },
    compensate: async (w, globalNo, apply, namedNo) => {
      const guard = await lock(w.trx, globalNo);
      if (guard?.state === 'COMPENSATED') return { outcome: 'done', no: guard.contNo };
      if (guard?.state === 'APPLIED' && guard.contNo !== null) {
        const outcome = await w[apply](guard.contNo, globalNo);
        if (outcome === 'done') await mark(w.trx, globalNo, 'COMPENSATED', guard.contNo, true);
        return { outcome, no: guard.contNo };
      }
      if (namedNo !== undefined) {
        const outcome = await w[apply](namedNo, globalNo);
        if (outcome === 'done') await mark(w.trx, globalNo, 'COMPENSATED', namedNo, false);
        return { outcome, no: namedNo };
      }
      await mark(w.trx, globalNo, 'COMPENSATED', null, false);
      return { outcome: 'done', no: null };
    },
  };
}
