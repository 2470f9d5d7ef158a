import type { Request, Response } from 'express';
import { z } from 'zod';
import { AppError } from '../../../lib/errors/app-error';
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
import type { DocumentedRoute } from '../../../lib/openapi/api-route';
import { documentedRouter } from '../../../lib/openapi/documented-router';
import { orchestratorResponses } from './orchestrator-responses';
import type { SagaListFilter, SagaListPage } from '../saga-log/saga-list';
import type { Identity } from '../../platform/auth/identity';
import { maySeeEverySaga } from '../../platform/auth/contract-policy';
import { wholeNumberParam } from '../../../lib/http/whole-number-param';

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
  /** MS1's saga list (saga-log/saga-list.ts). */
  listSagas: (filter: SagaListFilter) => Promise<SagaListPage>;
}

const globalNoParams = z.object({ globalNo: z.string().max(100) });
const listQuery = z.object({
  state: z.enum(SAGA_STATES).optional().meta({ description: 'only sagas in this state' }),
  kind: z.enum(['reg', 'amd']).optional().meta({ description: 'only registrations (reg) or modifications (amd)' }),
  limit: wholeNumberParam(1, 200).default(50).meta({ description: 'page size, at most 200' }),
  cursor: z.string().min(1).max(400).optional().meta({ description: "the previous page's nextCursor: the sagas started before its last" }),
}).strict();

/** MS1, the orchestrator: API-mode register and modify sagas, the saga log, and the operator's view of sagas still compensating. */
export function sagaRoutes(routes: DocumentedRoute[], deps: SagaRouteDeps) {
  const { contracts, sagaLog } = deps;
  const noDrill = refuseDrill(deps.drillsAllowed);

  /** MS1's first write and the saga log row commit together, then the workflow runs and its outcome becomes the answer. */
  const runApiSaga = async (req: Request, res: Response, workflow: SagaWorkflow) => {
    const { facts } = await beginSaga(deps, req, workflow, 'api');
    const outcome = await runSaga(workflow, facts, { log: sagaLog, contracts, participants: deps.participants, compensator: deps.compensator, retries: deps.retries, logger: req.log });
    sendSagaAnswer(res, { kind: workflow.kind, globalNo: facts.globalNo, saPponContNo: facts.saPponContNo, outcome, contract: await contracts.find(facts.saPponContNo) });
  };

  const { router, route } = documentedRouter(routes, '');
  const { sagaEnded, sagaFailed, saga, sagaSummary, sagaListPage } = orchestratorResponses;
  route({ method: 'post', path: '/cont/regSagaApi', summary: 'Register saga, API mode: the answer is its outcome', request: { body: registerBody }, responses: { 201: { description: 'END', schema: sagaEnded }, ...sagaFailed } }, noDrill, (req, res) => runApiSaga(req, res, registerWorkflow));
  route({ method: 'post', path: '/cont/amdSagaApi', summary: 'Modify saga, API mode: the answer is its outcome', request: { body: modifyBody }, responses: { 200: { description: 'END', schema: sagaEnded }, ...sagaFailed } }, noDrill, (req, res) => runApiSaga(req, res, modifyWorkflow));
  // The saga list, newest first: operators and supervisors see every saga (e.g. COMPENSATING, with
  // attempts and next try, to repair); anyone else only the sagas they started (SA_SAGA.STARTED_BY).
  route({ method: 'get', path: '/sagas', summary: 'Sagas, newest first, paged: every saga for operators and supervisors, else the caller\'s own', request: { query: listQuery }, responses: { 200: { description: 'a page of sagas', schema: sagaListPage }, 400: 'VALIDATION_FAILED', 403: 'FORBIDDEN' } }, async (req, res) => {
    const query = req.query as unknown as z.infer<typeof listQuery>;
    const caller = req.identity as Identity;
    const startedBy = maySeeEverySaga(caller) ? undefined : (req.actor ?? caller).sub;
    res.set('cache-control', 'no-store').json(await deps.listSagas({ ...query, startedBy }));
  });
  const text = { description: 'Prometheus exposition format', contentType: 'text/plain', schema: z.string() };
  route({ method: 'get', path: '/metrics/saga', summary: "The saga log's metrics", responses: { 200: text, 403: 'FORBIDDEN' } }, async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  const one = { request: { params: globalNoParams }, responses: { 200: { description: 'the saga', schema: saga }, 400: 'VALIDATION_FAILED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' } };
  route({ method: 'get', path: '/sagas/{globalNo}', summary: 'A saga: its state and steps', ...one }, async (req, res) => {
    const { globalNo } = req.params as z.infer<typeof globalNoParams>;
    const saga = await sagaLog.find(globalNo);
    if (!saga) throw new AppError('NOT_FOUND', `No saga ${globalNo}`);
    res.json(saga);
  });
  // Operators: retry a COMPENSATING saga's compensation now instead of at its next try.
  const retried = { 200: { description: 'API mode: compensated now (or tried)', schema: sagaSummary }, 202: { description: 'broker mode: the next attempt is due now', schema: sagaSummary }, 409: 'CONFLICT (not COMPENSATING)' };
  route({ method: 'post', path: '/sagas/{globalNo}/retry', summary: "Operators: retry a COMPENSATING saga's compensation now", request: one.request, responses: { ...one.responses, ...retried } }, async (req, res) => {
    const { globalNo } = req.params as z.infer<typeof globalNoParams>;
    const saga = await sagaLog.summary(globalNo);
    if (!saga) throw new AppError('NOT_FOUND', `No saga ${globalNo}`);
    if (saga.state !== 'COMPENSATING') throw new AppError('CONFLICT', `Saga ${globalNo} is ${saga.state}, not COMPENSATING`);
    if (saga.mode === 'api') await deps.compensator.attempt(globalNo, { force: true });
    else await deps.brokerSaga.retryNow(globalNo);
    res.status(saga.mode === 'api' ? 200 : 202).json(await sagaLog.summary(globalNo));
  });
  return router;
}
