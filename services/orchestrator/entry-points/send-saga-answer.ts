import type { Response } from 'express';
import { AppError } from '../../../lib/errors/app-error';
import type { SagaOutcome } from '../saga-log/saga-state';
import type { SagaKind } from '../workflows/saga-workflow';

/**
 * The status tells the screen the outcome: END → 201 (register) or 200 (modify); CANCEL → 409
 * SAGA_CANCELLED; COMPENSATING (a compensation could not complete yet: MS1 keeps retrying it, the
 * contract stays locked) → 502 SAGA_COMPENSATION_FAILED. Every answer, success or
 * problem document, carries globalNo, saPponContNo, state, successYn and message.
 */
export function sendSagaAnswer(
  res: Response,
  saga: { kind: SagaKind; globalNo: string; saPponContNo: number; outcome: SagaOutcome; contract?: Record<string, unknown> },
): void {
  const { globalNo, saPponContNo, outcome } = saga;
  res.location(`/sagas/${encodeURIComponent(globalNo)}`);
  if (outcome.state === 'END') {
    res.status(saga.kind === 'reg' ? 201 : 200).json({
      globalNo,
      saPponContNo,
      saInetaplcaContNo: saga.contract?.saInetaplcaContNo ?? null,
      saIntelnetContNo: saga.contract?.saIntelnetContNo ?? null,
      state: outcome.state,
      successYn: 'Y',
      message: 'success',
    });
    return;
  }
  const step = outcome.failedStep;
  const failed = step ? `${step.participant} ${step.action} failed: ${step.message}` : 'the saga failed';
  const message = outcome.state === 'COMPENSATING' ? `${failed}; its compensation is not complete yet and is retried (see /sagas/${globalNo})` : failed;
  const code = outcome.state === 'CANCEL' ? 'SAGA_CANCELLED' : 'SAGA_COMPENSATION_FAILED';
  throw new AppError(code, message, { globalNo, saPponContNo, state: outcome.state, successYn: 'N', message, failedStep: step });
}
