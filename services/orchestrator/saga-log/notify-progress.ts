import type { SagaLog } from './saga-log';

/**
 * The saga log, telling `notify` the saga's globalNo after each write that changes what a reader of
 * `GET /sagas/:globalNo` sees (a step, a state), so the BFFs push progress instead of polling
 * (docs/scaling.md). A write inside a caller's transaction is announced before that commits: a
 * BFF reading too early sees nothing new and looks again shortly (core/saga/saga-progress-hub.ts).
 */
export function notifyProgress(log: SagaLog, notify: (globalNo: string) => void): SagaLog {
  const after =
    <A extends unknown[], R>(write: (...args: A) => Promise<R>, globalNoOf: (...args: A) => string) =>
      async (...args: A): Promise<R> => {
        const result = await write(...args);
        notify(globalNoOf(...args));
        return result;
      };
  return {
    ...log,
    begin: after(log.begin.bind(log), (_trx, saga) => saga.globalNo),
    compensating: after(log.compensating.bind(log), (globalNo) => globalNo),
    track: after(log.track.bind(log), (globalNo) => globalNo),
    record: after(log.record.bind(log), (_trx, globalNo) => globalNo),
    end: after(log.end.bind(log), (globalNo) => globalNo),
  };
}
