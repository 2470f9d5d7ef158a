import type { Transaction } from 'kysely';
import type { AnyDb, ServiceDatabase } from '../../platform/db/create-database';
import type { SagaLog } from './saga-log';

/** What a notice says of the saga: its new state when the write set one, else only "it changed". */
type Notify = (globalNo: string, state?: 'END' | 'CANCEL' | 'COMPENSATING') => void;

/**
 * The saga log, telling `notify` the saga's globalNo after each write that changes what a reader of
 * `GET /sagas/:globalNo` sees (a step, a state), so the BFFs push progress instead of polling
 * (docs/scaling.md). A write inside a transaction of `database.transaction` is announced once that
 * has committed, once per saga however many writes it held, so a reader woken by the notice sees
 * the change; a write in any other transaction is announced at once (a reader may then look too
 * early, and looks again shortly: core/saga/saga-progress-hub.ts).
 */
export function notifyProgress(log: SagaLog, database: Pick<ServiceDatabase, 'afterCommit'>, notify: Notify): SagaLog {
  const pending = new WeakMap<Transaction<AnyDb>, Map<string, Parameters<Notify>[1]>>();
  const announce = (trx: Transaction<AnyDb> | undefined, globalNo: string, state?: Parameters<Notify>[1]) => {
    if (!trx) return notify(globalNo, state);
    let inTrx = pending.get(trx);
    if (!inTrx) {
      const waiting = new Map<string, Parameters<Notify>[1]>();
      if (!database.afterCommit(trx, () => waiting.forEach((s, g) => notify(g, s)))) return notify(globalNo, state);
      pending.set(trx, (inTrx = waiting));
    }
    inTrx.set(globalNo, state ?? inTrx.get(globalNo));
  };
  return {
    ...log,
    begin: async (trx, saga, first, more) => {
      await log.begin(trx, saga, first, more);
      announce(trx, saga.globalNo);
    },
    compensating: async (globalNo, change, trx) => {
      const changed = await log.compensating(globalNo, change, trx);
      announce(trx, globalNo, 'COMPENSATING');
      return changed;
    },
    track: async (globalNo, step, run, logger) => {
      const reply = await log.track(globalNo, step, run, logger);
      announce(undefined, globalNo);
      return reply;
    },
    record: async (trx, globalNo, step, result) => {
      await log.record(trx, globalNo, step, result);
      announce(trx, globalNo);
    },
    end: async (globalNo, state, options = {}) => {
      const changed = await log.end(globalNo, state, options);
      announce(options.trx, globalNo, changed ? state : undefined);
      return changed;
    },
  };
}
