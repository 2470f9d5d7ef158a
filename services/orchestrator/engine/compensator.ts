import type { Logger } from '../../../lib/http/logger';
import type { ContractStore } from '../../platform/contracts/contract-store';
import type { ServiceDatabase } from '../../platform/db/create-database';
import { compensationBackoff } from './compensation-backoff';
import type { SagaParticipants } from './participants';
import type { SagaLog } from '../saga-log/saga-log';
import type { SagaMetrics } from '../saga-log/saga-metrics';
import type { SagaState } from './saga-plan';

export interface CompensatorDeps {
  database: ServiceDatabase;
  contracts: ContractStore;
  participants: SagaParticipants;
  sagaLog: SagaLog;
  logger: Logger;
  metrics: SagaMetrics;
  config: { compensationBackoffMs: number; compensationBackoffMaxMs: number; participantTimeoutMs: number };
}

export interface Compensator {
  /** How long an attempt may take before another process may try the same saga (idempotent anyway). */
  readonly leaseMs: number;
  /**
   * One attempt at a COMPENSATING API-mode saga: the remaining compensations in order (MS3, MS2,
   * by globalNo), then MS1's own undo and CANCEL in one transaction. `force` skips the due check
   * (the request that started it, an operator's retry). Answers the saga's state afterwards.
   */
  attempt(globalNo: string, options?: { force?: boolean; final?: boolean }): Promise<SagaState | undefined>;
  /** In the request: now, then `retries` more times with backoff; afterwards the sweeper carries on. */
  drive(globalNo: string, retries: number): Promise<SagaState | undefined>;
  /** API-mode sagas: START past their deadline (MS1 died or stalled) → COMPENSATING; due ones → an attempt. */
  sweep(): Promise<number>;
}

/** Everything a participant might have written, compensated by globalNo: MS3, then MS2, then MS1 itself. */
export const FULL_UNDO = ['intelnet', 'inetaplca', 'ppon'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * [issue 15] API-mode compensation that is never given up: its state lives in SA_SAGA (UNDO,
 * ATTEMPTS, NEXT_TRY_AT), so the sweeper of any MS1 process, after any restart, carries it on with
 * capped exponential backoff; MS1's row stays START (the contract locked) until every participant
 * has confirmed; each failed attempt is an error log line and a counted escalation.
 */
export function createCompensator(deps: CompensatorDeps): Compensator {
  const { database, contracts, participants, sagaLog, logger, metrics, config } = deps;
  const { db } = database;
  const leaseMs = 3 * config.participantTimeoutMs + 2000;
  const backoff = (attempt: number) => compensationBackoff(attempt, config.compensationBackoffMs, config.compensationBackoffMaxMs);
  const inFuture = (ms: number) => new Date(Date.now() + ms);

  /** Takes the saga for this attempt: due (or forced) and still compensating; bumps its attempt count. */
  const claim = async (globalNo: string, force: boolean) => {
    let query = db
      .updateTable('SA_SAGA')
      .set((eb: any) => ({ NEXT_TRY_AT: database.timestamp(inFuture(leaseMs)), ATTEMPTS: eb('ATTEMPTS', '+', 1) }))
      .where('GLOBAL_NO', '=', globalNo)
      .where('STATE', '=', 'COMPENSATING')
      .where('MODE', '=', 'api');
    if (!force) query = query.where('NEXT_TRY_AT', '<=', database.timestamp());
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  };

  const attempt: Compensator['attempt'] = async (globalNo, options = {}) => {
    if (!(await claim(globalNo, Boolean(options.force)))) return (await sagaLog.summary(globalNo))?.state;
    const saga = await sagaLog.summary(globalNo);
    if (!saga || saga.state !== 'COMPENSATING') return saga?.state;
    const { kind, saPponContNo, attempts } = saga;
    let remaining = (saga.undo ?? FULL_UNDO.join(',')).split(',').filter(Boolean);
    const fail = async (why: string) => {
      const wait = backoff(attempts) + (options.final === false ? leaseMs : 0);
      const nextTryAt = inFuture(wait);
      await sagaLog.progress(globalNo, { nextTryAt });
      metrics.escalation();
      logger.error({ globalNo, attempts, nextTryAt: nextTryAt.toISOString(), remaining, why }, 'saga compensation incomplete; the contract stays locked and it is retried');
      return 'COMPENSATING' as const;
    };

    for (const participant of remaining.filter((p): p is 'inetaplca' | 'intelnet' => p === 'inetaplca' || p === 'intelnet')) {
      const call = kind === 'reg' ? participants[participant].compensateRegister : participants[participant].compensateModify;
      const action = kind === 'reg' ? 'register-compensation' : 'modify-compensation';
      const reply = await sagaLog.track(globalNo, { participant, action, attempt: attempts }, () => call(globalNo, { saPponContNo }), logger);
      if (reply.outcome !== 'Y') return fail(`${participant} ${action}: ${reply.message}`);
      remaining = remaining.filter((p) => p !== participant);
      await sagaLog.progress(globalNo, { undo: remaining });
    }

    // Every participant confirmed: MS1 undoes itself and the saga ends CANCEL, in one transaction.
    const started = new Date();
    const outcome = await contracts.write(async (w) => {
      const current = await sagaLog.summary(globalNo, w.trx);
      if (current?.state !== 'COMPENSATING') return current?.state;
      const undone = kind === 'reg' ? await w.cancelRegistration(saPponContNo, globalNo) : await w.restoreFromHistory(saPponContNo, globalNo);
      const action = kind === 'reg' ? 'register-cancel' : 'modify-compensation';
      await sagaLog.record(w.trx, globalNo, { participant: 'ppon', action, attempt: 1 }, {
        outcome: undone === 'done' ? 'Y' : 'N', durationMs: Date.now() - started.getTime(), startedAt: started, error: undone === 'done' ? undefined : `MS1's row: ${undone}`,
      });
      if (undone !== 'done') return undone;
      await sagaLog.end(globalNo, 'CANCEL', undefined, w.trx, 'COMPENSATING');
      return 'CANCEL' as const;
    });
    if (outcome === 'absent' || outcome === 'foreign') return fail(`MS1's own row: ${outcome}`);
    return outcome;
  };

  return {
    leaseMs,
    attempt,
    drive: async (globalNo, retries) => {
      for (let i = 0; ; i++) {
        const state = await attempt(globalNo, { force: true, final: i >= retries });
        if (state !== 'COMPENSATING' || i >= retries) return state;
        await sleep(backoff(i + 1));
      }
    },
    sweep: async () => {
      const now = database.timestamp();
      const lost: { GLOBAL_NO: string }[] = await db
        .selectFrom('SA_SAGA').select('GLOBAL_NO').where('MODE', '=', 'api').where('STATE', '=', 'START').where('DEADLINE_AT', '<', now).limit(100).execute();
      for (const { GLOBAL_NO } of lost) {
        const message = 'MS1 did not finish the saga by its deadline (it was restarted or stalled): every step is compensated by globalNo';
        if (!(await sagaLog.compensating(GLOBAL_NO, { undo: FULL_UNDO, message, nextTryAt: new Date() }))) continue;
        const at = new Date();
        await sagaLog.record(db as never, GLOBAL_NO, { participant: 'ppon', action: 'deadline', attempt: 1 }, { outcome: 'FALLBACK', durationMs: 0, startedAt: at, error: message });
        logger.error({ globalNo: GLOBAL_NO }, 'API-mode saga past its deadline in START: recovered, compensating');
      }
      const due: { GLOBAL_NO: string }[] = await db
        .selectFrom('SA_SAGA').select('GLOBAL_NO').where('MODE', '=', 'api').where('STATE', '=', 'COMPENSATING').where('NEXT_TRY_AT', '<=', database.timestamp())
        .orderBy('NEXT_TRY_AT').limit(20).execute();
      await Promise.all(due.map(({ GLOBAL_NO }) => sagaLog.inSagaTrace(GLOBAL_NO, 'saga compensation retry', () => attempt(GLOBAL_NO)).catch((err: unknown) => logger.warn({ globalNo: GLOBAL_NO, err: (err as Error).message }, 'compensation attempt failed; retried at the next sweep'))));
      return lost.length + due.length;
    },
  };
}
