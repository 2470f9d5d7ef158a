import type { Logger } from '../../../lib/http/logger';
import { retryWithBackoff, type RetryOptions } from '../../shared/saga/retry-with-backoff';
import type { StepReply } from '../../shared/http/participant-client';
import type { SagaLog } from './saga-log';
import type { FailedStep, SagaOutcome, SagaPlan, StepCall } from './saga-plan';

export interface SagaRunner {
  log: SagaLog;
  retry: RetryOptions;
  logger: Logger;
}

/**
 * Runs a plan synchronously (API mode, SPEC §3): each step in turn; on the first failure the
 * succeeded steps are compensated in reverse order, each retried with backoff [fix]. A
 * compensation that still fails does not stop the others; the saga then ends COMPENSATION_FAILED.
 */
export async function runSaga(plan: SagaPlan, runner: SagaRunner): Promise<SagaOutcome> {
  const undo: StepCall[] = [plan.undoBegin];
  for (const step of plan.steps) {
    const reply = await runner.log.track(plan.globalNo, { ...step, attempt: 1 }, () => step.run(), runner.logger);
    if (reply.outcome !== 'Y') return compensate(plan, undo, failure(step, reply), runner);
    if (step.compensation) undo.push(step.compensation);
    if (step.onSuccess) {
      const recorded = await runner.log.track(plan.globalNo, { participant: 'ppon', action: `store-${step.participant}-no`, attempt: 1 }, async () => {
        await step.onSuccess?.(reply);
        return { outcome: 'Y', message: 'success', body: {} };
      }, runner.logger);
      if (recorded.outcome !== 'Y') return compensate(plan, undo, failure({ participant: 'ppon', action: 'store' }, recorded), runner);
    }
  }
  await plan.finish();
  await runner.log.end(plan.globalNo, 'END');
  return { state: 'END' };
}

async function compensate(plan: SagaPlan, undo: StepCall[], failedStep: FailedStep, runner: SagaRunner): Promise<SagaOutcome> {
  let complete = true;
  for (const call of [...undo].reverse()) {
    let attempt = 0;
    const reply = await retryWithBackoff(
      () => runner.log.track(plan.globalNo, { participant: call.participant, action: call.action, attempt: ++attempt }, () => call.run(), runner.logger),
      (r) => r.outcome === 'Y',
      runner.retry,
    );
    if (reply.outcome !== 'Y') {
      complete = false;
      runner.logger.error({ globalNo: plan.globalNo, participant: call.participant, action: call.action, attempts: attempt }, 'compensation failed for good');
    }
  }
  const state = complete ? 'CANCEL' : 'COMPENSATION_FAILED';
  const message = `${failedStep.participant} ${failedStep.action} failed (${failedStep.outcome}): ${failedStep.message}`;
  await runner.log.end(plan.globalNo, state, message);
  return { state, failedStep };
}

function failure(step: { participant: FailedStep['participant']; action: string }, reply: StepReply): FailedStep {
  return { participant: step.participant, action: step.action, outcome: reply.outcome, message: reply.message };
}
