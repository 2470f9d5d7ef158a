import type { Request, RequestHandler } from 'express';
import { AppError } from '../../../lib/errors/app-error';
import { mayDrill } from '../../../lib/contracts/contract-access';
import { compensateYn, contractNo, envelope, fieldsFromValues, modifyFields, registerFields, valuesOf } from '../../platform/contracts/contract-payload';
import type { ContractStore, ContractWriter } from '../../platform/contracts/contract-store';
import type { SagaLog } from '../saga-log/saga-log';
import type { SagaFacts, SagaWorkflow } from '../workflows/saga-workflow';

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
  /** What the engines carry on with: the request's fields and the contract numbers known so far. */
  facts: SagaFacts;
}

/**
 * MS1's own first write (the workflow's local step: insert, or history + update, as START) and the
 * saga log row commit in one transaction, with whatever `alsoInTransaction` adds (broker mode: the
 * reply the saga awaits, in the saga's row, and its first event).
 */
export async function beginSaga(
  deps: { contracts: ContractStore; sagaLog: SagaLog; /** From now, the time by which the saga must have left START (stored with it). */ deadlineMs: number },
  req: Request,
  workflow: SagaWorkflow,
  mode: 'api' | 'event',
  alsoInTransaction?: (w: ContractWriter, begun: Begun) => Promise<Record<string, unknown> | void>,
): Promise<Begun> {
  const payload = payloadOf(req);
  const values = valuesOf(payload);
  const { globalNo } = req;
  const meta = { transacNo: globalNo, transacSttus: 'START' as const };
  const startedAt = new Date();
  const { kind } = workflow;
  return deps.contracts.write(async (w) => {
    // A retried request (same x-global-no) is a CONFLICT: the saga log's key refuses it (below), and
    // while its own saga still holds the contract, that saga is what the refusal names.
    const { saPponContNo, before } = await workflow.local.apply(w, { values, meta, saPponContNo: payload.saPponContNo }).catch(async (err: unknown) => {
      if (err instanceof AppError && err.code === 'SAGA_IN_PROGRESS' && (await deps.sagaLog.exists(w.trx, globalNo))) throw new AppError('CONFLICT', `A saga with globalNo ${globalNo} already exists`);
      throw err;
    });
    const begun: Begun = {
      facts: {
        globalNo, saPponContNo, fields: fieldsFromValues(values), compensateYn: payload.compensateYn,
        saInetaplcaContNo: (before?.SA_INETAPLCA_CONT_NO as number | null | undefined) ?? null,
        saIntelnetContNo: (before?.SA_INTELNET_CONT_NO as number | null | undefined) ?? null,
        startedAt,
      },
    };
    const first = { participant: 'ppon' as const, action: workflow.local.action, attempt: 1, startedAt };
    const deadlineAt = new Date(startedAt.getTime() + deps.deadlineMs);
    const startedBy = (req.actor ?? req.identity)?.sub;
    // What `alsoInTransaction` writes of the saga's row goes in with it (its outbox rows are written at the commit).
    const more = (await alsoInTransaction?.(w, begun)) ?? undefined;
    await deps.sagaLog.begin(w.trx, { globalNo, saPponContNo, kind, mode, deadlineAt, startedBy }, first, more);
    return begun;
  });
}
