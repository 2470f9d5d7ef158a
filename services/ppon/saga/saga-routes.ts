import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../../../lib/errors/app-error';
import { validate } from '../../../lib/http/validate';
import type { ContractRow, ContractStore } from '../../shared/contracts/contract-store';
import type { RetryOptions } from '../../shared/saga/retry-with-backoff';
import { beginSaga, modifyBody, refuseDrill, registerBody, type Begun } from './begin-saga';
import { modifyPlan } from './modify-plan';
import type { SagaParticipants } from './participants';
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

/** MS1, the orchestrator: API-mode register and modify sagas, and the saga log. */
export function sagaRoutes(deps: SagaRouteDeps): Router {
  const { contracts, sagaLog } = deps;
  const noDrill = refuseDrill(deps.drillsAllowed);

  /** MS1's first write and the saga log row commit together, then the plan runs and the outcome becomes the answer. */
  const runApiSaga = async (req: Request, res: Response, kind: SagaKind, planOf: (begun: Begun) => SagaPlan) => {
    const begun = await beginSaga(deps, req, kind, 'api');
    const { globalNo, saPponContNo } = begun.input;
    const outcome = await runSaga(planOf(begun), { log: sagaLog, retry: deps.retry, logger: req.log });
    sendSagaAnswer(res, { kind, globalNo, saPponContNo, outcome, contract: await contracts.find(saPponContNo) });
  };

  const router = Router();
  router.post('/cont/regSagaApi', validate(registerBody), noDrill, (req, res) => runApiSaga(req, res, 'reg', (begun) => registerPlan(begun.input, deps)));
  router.post('/cont/amdSagaApi', validate(modifyBody), noDrill, (req, res) =>
    runApiSaga(req, res, 'amd', (begun) => modifyPlan({ ...begun.input, before: begun.before as ContractRow }, deps)),
  );
  router.get('/sagas/:globalNo', async (req, res) => {
    const { globalNo } = z.object({ globalNo: z.string().max(100) }).parse(req.params);
    const saga = await sagaLog.find(globalNo);
    if (!saga) throw new AppError('NOT_FOUND', `No saga ${globalNo}`);
    res.json(saga);
  });
  return router;
}
