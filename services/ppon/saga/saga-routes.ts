import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../../../lib/errors/app-error';
import { validate } from '../../../lib/http/validate';
import { compensateYn, contractNo, envelope, fieldsFromValues, modifyFields, registerFields, valuesOf } from '../../shared/contracts/contract-payload';
import type { ContractRow, ContractStore, ContractWriter } from '../../shared/contracts/contract-store';
import type { RetryOptions } from '../../shared/saga/retry-with-backoff';
import { modifyPlan } from './modify-plan';
import type { SagaParticipants } from './participants';
import type { PlanInput } from './plan-input';
import { registerPlan } from './register-plan';
import { runSaga } from './run-saga';
import type { SagaLog } from './saga-log';
import type { SagaKind, SagaPlan } from './saga-plan';
import { sendSagaAnswer } from './send-saga-answer';

export interface SagaRouteDeps {
  contracts: ContractStore;
  participants: SagaParticipants;
  sagaLog: SagaLog;
  retry: RetryOptions;
  drillsAllowed: boolean;
}

const registerBody = envelope('pponContPayload', registerFields.extend({ compensateYn }));
const modifyBody = envelope('pponContPayload', modifyFields.extend({ saPponContNo: contractNo, compensateYn }));
type PponPayload = Record<string, unknown> & { saPponContNo?: number; compensateYn?: 'Y' | 'N' };
const payloadOf = (req: Request) => (req.body as { pponContPayload: PponPayload }).pponContPayload;

/** MS1, the orchestrator: API-mode register and modify sagas, and the saga log. */
export function sagaRoutes(deps: SagaRouteDeps): Router {
  const { contracts, sagaLog } = deps;
  const refuseDrill: RequestHandler = (req, _res, next) => {
    if (payloadOf(req).compensateYn === 'Y' && !deps.drillsAllowed) throw new AppError('DRILL_NOT_ALLOWED');
    next();
  };

  /**
   * MS1's own first write and the saga log row commit together (nothing is written if either
   * fails), then the plan runs and the outcome becomes the answer.
   */
  const runApiSaga = async <B extends { saPponContNo: number }>(
    req: Request,
    res: Response,
    kind: SagaKind,
    firstWrite: (writer: ContractWriter, values: ReturnType<typeof valuesOf>) => Promise<B>,
    planOf: (input: PlanInput, begun: B) => SagaPlan,
  ) => {
    const payload = payloadOf(req);
    const values = valuesOf(payload);
    const { globalNo } = req;
    const startedAt = new Date();
    const begun = await contracts.write(async (w) => {
      const result = await firstWrite(w, values);
      const first = { participant: 'ppon' as const, action: kind === 'reg' ? 'register' : 'modify', attempt: 1, startedAt };
      await sagaLog.begin(w.trx, { globalNo, saPponContNo: result.saPponContNo, kind, mode: 'api' }, first);
      return result;
    });
    const { saPponContNo } = begun;
    const input = { globalNo, saPponContNo, fields: fieldsFromValues(values), compensateYn: payload.compensateYn };
    const outcome = await runSaga(planOf(input, begun), { log: sagaLog, retry: deps.retry, logger: req.log });
    sendSagaAnswer(res, { kind, globalNo, saPponContNo, outcome, contract: await contracts.find(saPponContNo) });
  };

  const router = Router();
  router.post('/cont/regSagaApi', validate(registerBody), refuseDrill, (req, res) =>
    runApiSaga(
      req,
      res,
      'reg',
      async (w, values) => ({ saPponContNo: await w.insert(values, {}, { transacNo: req.globalNo, transacSttus: 'START' }) }),
      (input) => registerPlan(input, deps),
    ),
  );
  router.post('/cont/amdSagaApi', validate(modifyBody), refuseDrill, (req, res) =>
    runApiSaga<{ saPponContNo: number; before: ContractRow }>(
      req,
      res,
      'amd',
      async (w, values) => {
        const saPponContNo = payloadOf(req).saPponContNo as number;
        const { before } = await w.modify(saPponContNo, values, { transacNo: req.globalNo, transacSttus: 'START' });
        return { saPponContNo, before };
      },
      (input, begun) => modifyPlan({ ...input, before: begun.before }, deps),
    ),
  );
  router.get('/sagas/:globalNo', async (req, res) => {
    const { globalNo } = z.object({ globalNo: z.string().max(100) }).parse(req.params);
    const saga = await sagaLog.find(globalNo);
    if (!saga) throw new AppError('NOT_FOUND', `No saga ${globalNo}`);
    res.json(saga);
  });
  return router;
}
