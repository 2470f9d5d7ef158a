import type { Logger } from '../../../lib/http/logger';
import type { ContractStore } from '../../platform/contracts/contract-store';
import type { StepReply } from '../transport/participant-client';
import type { Compensator } from './compensator';
import type { SagaLog } from '../saga-log/saga-log';
import type { FailedStep, Participant, SagaOutcome, SagaPlan } from './saga-plan';

export interface SagaRunner {
  log: SagaLog;
  contracts: ContractStore;
  compensator: Compensator;
  /** Compensation attempts made in the request after the first, before the sweeper carries on. */
  retries: number;
  logger: Logger;
}

/** The participant client's FALLBACK for a refused connection: the request never reached the participant. */
const neverDelivered = (reply: StepReply) => reply.outcome === 'FALLBACK' && reply.message === 'connection refused';

/**
 * Runs a plan synchronously (API mode, SPEC §3): each step in turn. On the first failure the saga
 * turns COMPENSATING (durably, with the compensations to run) and the compensations are driven
 * here a few times; if they cannot complete now the saga stays COMPENSATING, the contract locked,
 * and MS1's sweeper carries on [issue 15]. END is written only if the saga is still START, so a
 * sweeper that took over a stalled saga wins over a late finish.
 */
export async function runSaga(plan: SagaPlan, runner: SagaRunner): Promise<SagaOutcome> {
  const reached: Participant[] = [];
  for (const step of plan.steps) {
    const reply = await runner.log.track(plan.globalNo, { participant: step.participant, action: step.action, attempt: 1 }, () => step.run(), runner.logger);
    if (reply.outcome !== 'Y') {
      // No answer is not "nothing written": the participant may commit later, so it is compensated too (by globalNo).
      if (reply.outcome === 'FALLBACK' && !neverDelivered(reply)) reached.push(step.participant);
      return compensate(plan, reached, failure(step, reply), runner);
    }
    reached.push(step.participant);
    if (step.onSuccess) {
      const recorded = await runner.log.track(plan.globalNo, { participant: 'ppon', action: `store-${step.participant}-no`, attempt: 1 }, async () => {
        await step.onSuccess?.(reply);
        return { outcome: 'Y', message: 'success', body: {} };
      }, runner.logger);
      if (recorded.outcome !== 'Y') return compensate(plan, reached, failure({ participant: 'ppon', action: 'store' }, recorded), runner);
    }
  }
  const ended = await runner.contracts.write(async (w) => {
    const still = await runner.log.end(plan.globalNo, 'END', undefined, w.trx, 'START');
    if (still) await plan.finish(w);
    return still;
  });
  if (ended) return { state: 'END' };
  return { state: terminalOrCompensating((await runner.log.summary(plan.globalNo))?.state) };
}

async function compensate(plan: SagaPlan, reached: Participant[], failedStep: FailedStep, runner: SagaRunner): Promise<SagaOutcome> {
  const message = `${failedStep.participant} ${failedStep.action} failed (${failedStep.outcome}): ${failedStep.message}`;
  const undo = [...reached].reverse().concat('ppon');
  const started = await runner.log.compensating(plan.globalNo, { undo, message, nextTryAt: new Date(Date.now() + runner.compensator.leaseMs) });
  const state = started ? await runner.compensator.drive(plan.globalNo, runner.retries) : (await runner.log.summary(plan.globalNo))?.state;
  return { state: terminalOrCompensating(state), failedStep };
}

const terminalOrCompensating = (state: string | undefined) => (state === 'END' || state === 'CANCEL' ? state : 'COMPENSATING');

function failure(step: { participant: FailedStep['participant']; action: string }, reply: StepReply): FailedStep {
  return { participant: step.participant, action: step.action, outcome: reply.outcome, message: reply.message };
}
