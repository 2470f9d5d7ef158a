import type { Request, RequestHandler } from 'express';
import { AppError } from '../../../lib/errors/app-error';
import { mayDrill } from '../../../lib/contracts/contract-access';
import { compensateYn, contractNo, envelope, fieldsFromValues, modifyFields, registerFields, valuesOf } from '../../shared/contracts/contract-payload';
import type { ContractRow, ContractStore, ContractWriter } from '../../shared/contracts/contract-store';
import type { PlanInput } from './plan-input';
import type { SagaLog } from './saga-log';
import type { SagaKind } from './saga-plan';

/** The request envelopes MS1's sagas accept, the same in API and broker mode. */
export const registerBody = envelope('pponContPayload', registerFields.extend({ compensateYn }));
export const modifyBody = envelope('pponContPayload', modifyFields.extend({ saPponContNo: contractNo, compensateYn }));
type PponPayload = Record<string, unknown> & { saPponContNo?: number; compensateYn?: 'Y' | 'N' };
export const payloadOf = (req: Request) => (req.body as { pponContPayload: PponPayload }).pponContPayload;

/** `compensateYn: "Y"` (or a drill endpoint, with `force`) where drills are off is a 400, from a caller not allowed to drill a 403 (lib/contracts/contract-access.ts), before anything is written. */
export function refuseDrill(drillsAllowed: boolean, force = false): RequestHandler {
  return (req, _res, next) => {
    if (force) payloadOf(req).compensateYn = 'Y';
    if (payloadOf(req).compensateYn === 'Y' && !drillsAllowed) throw new AppError('DRILL_NOT_ALLOWED');
    if (payloadOf(req).compensateYn === 'Y' && !mayDrill(req.identity?.roles ?? [])) throw new AppError('FORBIDDEN', 'Only an operator may run a compensation drill');
    next();
  };
}

export interface Begun {
  input: PlanInput;
  /** MS1's row before a modification (its cross numbers, for the participants). */
  before?: ContractRow;
}

/**
 * MS1's own first write (insert, or history + update, as START) and the saga log row commit in
 * one transaction, with whatever `alsoInTransaction` adds (broker mode: its deadline and first event).
 */
export async function beginSaga(
  deps: { contracts: ContractStore; sagaLog: SagaLog; /** From now, the time by which the saga must have left START (stored with it). */ deadlineMs: number },
  req: Request,
  kind: SagaKind,
  mode: 'api' | 'event',
  alsoInTransaction?: (w: ContractWriter, begun: Begun) => Promise<void>,
): Promise<Begun> {
  const payload = payloadOf(req);
  const values = valuesOf(payload);
  const { globalNo } = req;
  const meta = { transacNo: globalNo, transacSttus: 'START' as const };
  const startedAt = new Date();
  return deps.contracts.write(async (w) => {
    // First: a retried request (same x-global-no) is a CONFLICT, even while its own saga holds the contract.
    if (await deps.sagaLog.exists(w.trx, globalNo)) throw new AppError('CONFLICT', `A saga with globalNo ${globalNo} already exists`);
    let begun: Begun;
    const input = (saPponContNo: number) => ({ globalNo, saPponContNo, fields: fieldsFromValues(values), compensateYn: payload.compensateYn });
    if (kind === 'reg') {
      begun = { input: input(await w.insert(values, {}, meta)) };
    } else {
      const saPponContNo = payload.saPponContNo as number;
      begun = { input: input(saPponContNo), before: (await w.modify(saPponContNo, values, meta)).before };
    }
    const first = { participant: 'ppon' as const, action: kind === 'reg' ? 'register' : 'modify', attempt: 1, startedAt };
    const deadlineAt = new Date(startedAt.getTime() + deps.deadlineMs);
    await deps.sagaLog.begin(w.trx, { globalNo, saPponContNo: begun.input.saPponContNo, kind, mode, deadlineAt }, first);
    await alsoInTransaction?.(w, begun);
    return begun;
  });
}
