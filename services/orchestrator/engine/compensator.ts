import type { Logger } from '../../../lib/http/logger';
import type { ContractStore } from '../../platform/contracts/contract-store';
import type { SagaLog } from '../saga-log/saga-log';
import type { SagaMetrics } from '../saga-log/saga-metrics';
import { workflows } from '../workflows/workflows';
import type { RemoteParticipant } from '../workflows/saga-workflow';
import { compensationBackoff } from './compensation-backoff';
import { sagaCourse } from './saga-course';
import type { SagaState } from '../saga-log/saga-state';
import type { SagaTransport } from '../transport/saga-transport';

export interface CompensatorDeps {
  contracts: ContractStore;
  participants: SagaTransport;
  sagaLog: SagaLog;
  logger: Logger;
  metrics: Pick<SagaMetrics, 'escalation'>;
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isRemote = (p: string): p is RemoteParticipant => p === 'inetaplca' || p === 'intelnet';

/**
 * API mode's compensations, never given up: their state lives in the saga log (UNDO, ATTEMPTS,
 * NEXT_TRY_AT), so the sweeper of any MS1 process, after any restart, carries them on with capped
 * exponential backoff; MS1's row stays START (the contract locked) until every participant has
 * confirmed; each failed attempt is an error log line and a counted escalation. What each
 * compensation is comes from the saga's workflow (`orchestrator/workflows/`).
 */
export function createCompensator(deps: CompensatorDeps): Compensator {
  const { contracts, participants, sagaLog, logger, metrics, config } = deps;
  const leaseMs = 3 * config.participantTimeoutMs + 2000;
  const backoff = (attempt: number) => compensationBackoff(attempt, config.compensationBackoffMs, config.compensationBackoffMaxMs);
  const inFuture = (ms: number) => new Date(Date.now() + ms);

  const attempt: Compensator['attempt'] = async (globalNo, options = {}) => {
    if (!(await sagaLog.claim(globalNo, 'api', { leaseUntil: inFuture(leaseMs), force: Boolean(options.force) }))) return (await sagaLog.summary(globalNo))?.state;
    const saga = await sagaLog.summary(globalNo);
    if (!saga || saga.state !== 'COMPENSATING') return saga?.state;
    const { saPponContNo, attempts } = saga;
    const workflow = workflows[saga.kind];
    const course = sagaCourse(workflow);
    let remaining = saga.undo === null ? course.fullUndo() : saga.undo.split(',').filter(Boolean);
    const fail = async (why: string) => {
      const wait = backoff(attempts) + (options.final === false ? leaseMs : 0);
      const nextTryAt = inFuture(wait);
      await sagaLog.progress(globalNo, { nextTryAt });
      metrics.escalation();
      logger.error({ globalNo, attempts, nextTryAt: nextTryAt.toISOString(), remaining, why }, 'saga compensation incomplete; the contract stays locked and it is retried');
      return 'COMPENSATING' as const;
    };

    for (const participant of remaining.filter(isRemote)) {
      const action = course.stepOf(participant).undo;
      const reply = await sagaLog.track(globalNo, { participant, action, attempt: attempts }, () => participants.call(participant, action, globalNo, { saPponContNo }), logger);
      if (reply.outcome !== 'Y') return fail(`${participant} ${action}: ${reply.message}`);
      remaining = remaining.filter((p) => p !== participant);
      await sagaLog.progress(globalNo, { undo: remaining });
    }

    // Every participant confirmed: MS1 undoes itself and the saga ends CANCEL, in one transaction.
    const started = new Date();
    const outcome = await contracts.write(async (w) => {
      const current = await sagaLog.summary(globalNo, w.trx);
      if (current?.state !== 'COMPENSATING') return current?.state;
      const undone = await workflow.local.compensate(w, { globalNo, saPponContNo });
      await sagaLog.record(w.trx, globalNo, { participant: 'ppon', action: workflow.local.undo, attempt: 1 }, {
        outcome: undone === 'done' ? 'Y' : 'N', durationMs: Date.now() - started.getTime(), startedAt: started, error: undone === 'done' ? undefined : `MS1's row: ${undone}`,
      });
      if (undone !== 'done') return undone;
      await sagaLog.end(globalNo, 'CANCEL', { trx: w.trx, from: 'COMPENSATING' });
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
      const lost = await sagaLog.overdue('api', 100);
      for (const globalNo of lost) {
        const saga = await sagaLog.summary(globalNo);
        if (!saga) continue;
        const message = 'MS1 did not finish the saga by its deadline (it was restarted or stalled): every step is compensated by globalNo';
        if (!(await sagaLog.compensating(globalNo, { undo: sagaCourse(workflows[saga.kind]).fullUndo(), message, nextTryAt: new Date() }))) continue;
        await sagaLog.record(undefined, globalNo, { participant: 'ppon', action: 'deadline', attempt: 1 }, { outcome: 'FALLBACK', durationMs: 0, startedAt: new Date(), error: message });
        logger.error({ globalNo }, 'API-mode saga past its deadline in START: recovered, compensating');
      }
      const due = await sagaLog.due('api', 20);
      await Promise.all(due.map((globalNo) => sagaLog.inSagaTrace(globalNo, 'saga compensation retry', () => attempt(globalNo)).catch((err: unknown) => logger.warn({ globalNo, err: (err as Error).message }, 'compensation attempt failed; retried at the next sweep'))));
      return lost.length + due.length;
    },
  };
}
