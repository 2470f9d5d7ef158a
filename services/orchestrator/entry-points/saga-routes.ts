import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../../../lib/errors/app-error';
import { parseOrThrow, validate } from '../../../lib/http/validate';
import type { ContractStore } from '../../platform/contracts/contract-store';
import type { BrokerSaga } from '../engine/broker-saga';
import { beginSaga, modifyBody, refuseDrill, registerBody } from './begin-saga';
import type { Compensator } from '../engine/compensator';
import { modifyWorkflow } from '../workflows/modify-workflow';
import type { SagaTransport } from '../transport/saga-transport';
import { registerWorkflow } from '../workflows/register-workflow';
import { runSaga } from '../engine/run-saga';
import type { SagaLog } from '../saga-log/saga-log';
import type { SagaMetrics } from '../saga-log/saga-metrics';
import { SAGA_STATES } from '../saga-log/saga-state';
import type { SagaWorkflow } from '../workflows/saga-workflow';
import { sendSagaAnswer } from './send-saga-answer';

export interface SagaRouteDeps {
  contracts: ContractStore;
  participants: SagaTransport;
  sagaLog: SagaLog;
  compensator: Compensator;
  brokerSaga: BrokerSaga;
  metrics: SagaMetrics;
  /** Compensation attempts made in the request after the first. */
  retries: number;
  deadlineMs: number;
  drillsAllowed: boolean;
}

const globalNoParams = z.object({ globalNo: z.string().max(100) });
const listQuery = z.object({ state: z.enum(SAGA_STATES).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });

/** MS1, the orchestrator: API-mode register and modify sagas, the saga log, and the operator's view of sagas still compensating. */
export function sagaRoutes(deps: SagaRouteDeps): Router {
  const { contracts, sagaLog } = deps;
  const noDrill = refuseDrill(deps.drillsAllowed);

  /** MS1's first write and the saga log row commit together, then the workflow runs and its outcome becomes the answer. */
  const runApiSaga = async (req: Request, res: Response, workflow: SagaWorkflow) => {
    const { facts } = await beginSaga(deps, req, workflow, 'api');
    const outcome = await runSaga(workflow, facts, { log: sagaLog, contracts, participants: deps.participants, compensator: deps.compensator, retries: deps.retries, logger: req.log });
    sendSagaAnswer(res, { kind: workflow.kind, globalNo: facts.globalNo, saPponContNo: facts.saPponContNo, outcome, contract: await contracts.find(facts.saPponContNo) });
  };

  const router = Router();
  router.post('/cont/regSagaApi', validate(registerBody), noDrill, (req, res) => runApiSaga(req, res, registerWorkflow));
  router.post('/cont/amdSagaApi', validate(modifyBody), noDrill, (req, res) => runApiSaga(req, res, modifyWorkflow));
  // Operators: every saga in a state (e.g. COMPENSATING, with attempts and next try), oldest first.
  router.get('/sagas', async (req, res) => {
    const query = parseOrThrow(listQuery, req.query, 'query');
    res.json({ items: await sagaLog.list(query) });
  });
  router.get('/metrics/saga', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  router.get('/sagas/:globalNo', async (req, res) => {
    const { globalNo } = parseOrThrow(globalNoParams, req.params, 'params');
    const saga = await sagaLog.find(globalNo);
    if (!saga) throw new AppError('NOT_FOUND', `No saga ${globalNo}`);
    res.json(saga);
  });
  // Operators: retry a COMPENSATING saga's compensation now instead of at its next try.
  router.post('/sagas/:globalNo/retry', async (req, res) => {
    const { globalNo } = parseOrThrow(globalNoParams, req.params, 'params');
    const saga = await sagaLog.summary(globalNo);
    if (!saga) throw new AppError('NOT_FOUND', `No saga ${globalNo}`);
    if (saga.state !== 'COMPENSATING') throw new AppError('CONFLICT', `Saga ${globalNo} is ${saga.state}, not COMPENSATING`);
    if (saga.mode === 'api') await deps.compensator.attempt(globalNo, { force: true });
    else await deps.brokerSaga.retryNow(globalNo);
    res.status(saga.mode === 'api' ? 200 : 202).json(await sagaLog.summary(globalNo));
  });
  return router;
}
