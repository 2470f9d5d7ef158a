import type { Logger } from '../../../lib/http/logger';
import type { ContractStore } from '../../platform/contracts/contract-store';
import type { StepReply } from '../transport/participant-client';
import type { SagaLog } from '../saga-log/saga-log';
import type { Participant, SagaFacts, SagaWorkflow } from '../workflows/saga-workflow';
import type { Compensator } from './compensator';
import { sagaCourse } from './saga-course';
import type { FailedStep, SagaOutcome } from '../saga-log/saga-state';
import type { SagaTransport } from '../transport/saga-transport';

export interface SagaRunner {
  log: SagaLog;
  contracts: ContractStore;
  participants: SagaTransport;
  compensator: Compensator;
  /** Compensation attempts made in the request after the first, before the sweeper carries on. */
  retries: number;
  logger: Logger;
}

/**
 * API mode: runs a workflow in the request, MS1's own first write already committed with the saga
 * log row. Each step in turn over the transport; MS1 keeps the contract numbers the workflow names.
 * On the first failure the saga turns COMPENSATING (durably, with the compensations the workflow's
 * course calls for) and they are driven here a few times; if they cannot complete now the saga
 * stays COMPENSATING, the contract locked, and MS1's sweeper carries on. END is written only if the
 * saga is still START, so a sweeper that took over a stalled saga wins over a late finish.
 */
export async function runSaga(workflow: SagaWorkflow, facts: SagaFacts, runner: SagaRunner): Promise<SagaOutcome> {
  const course = sagaCourse(workflow);
  const { globalNo, saPponContNo } = facts;
  for (const step of workflow.steps) {
    const { participant } = step;
    const reply = await runner.log.track(globalNo, { participant, action: step.action, attempt: 1 }, () => runner.participants.call(participant, step.action, globalNo, step.input(facts)), runner.logger);
    if (reply.outcome !== 'Y') return compensate(globalNo, course.undoAfter(participant, reply), failure(participant, step.action, reply), runner);
    if (!step.remember) continue;
    const recorded = await runner.log.track(globalNo, { participant: 'ppon', action: `store-${participant}-no`, attempt: 1 }, async () => {
      const kept = course.remembered(step, reply.body, facts);
      if (kept) await runner.contracts.write((w) => w.set(saPponContNo, { [kept.column]: kept.no }));
      return { outcome: 'Y', message: 'success', body: {} };
    }, runner.logger);
    if (recorded.outcome !== 'Y') return compensate(globalNo, course.undoAfter(participant, reply), failure('ppon', 'store', recorded), runner);
  }
  const ended = await runner.contracts.write(async (w) => {
    const started = facts.startedAt && { kind: workflow.kind, mode: 'api' as const, at: facts.startedAt };
    const still = await runner.log.end(globalNo, 'END', { trx: w.trx, from: 'START', started });
    if (still) await w.set(saPponContNo, { TRANSAC_STTUS: 'END' });
    return still;
  });
  if (ended) return { state: 'END' };
  return { state: terminalOrCompensating((await runner.log.summary(globalNo))?.state) };
}

async function compensate(globalNo: string, undo: Participant[], failedStep: FailedStep, runner: SagaRunner): Promise<SagaOutcome> {
  const message = `${failedStep.participant} ${failedStep.action} failed (${failedStep.outcome}): ${failedStep.message}`;
  const started = await runner.log.compensating(globalNo, { undo, message, nextTryAt: new Date(Date.now() + runner.compensator.leaseMs) });
  const state = started ? await runner.compensator.drive(globalNo, runner.retries) : (await runner.log.summary(globalNo))?.state;
  return { state: terminalOrCompensating(state), failedStep };
}

const terminalOrCompensating = (state: string | undefined) => (state === 'END' || state === 'CANCEL' ? state : 'COMPENSATING');

function failure(participant: Participant, action: string, reply: StepReply): FailedStep {
  return { participant, action, outcome: reply.outcome, message: reply.message };
}
