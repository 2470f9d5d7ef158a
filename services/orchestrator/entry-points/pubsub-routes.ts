import type { Request, Response } from 'express';
import { z } from 'zod';
import type { ContractStore } from '../../platform/contracts/contract-store';
import { beginSaga, modifyBody, refuseDrill, registerBody } from './begin-saga';
import type { SagaLog } from '../saga-log/saga-log';
import { modifyWorkflow } from '../workflows/modify-workflow';
import { registerWorkflow } from '../workflows/register-workflow';
import type { SagaWorkflow } from '../workflows/saga-workflow';
import type { BrokerSaga } from '../engine/broker-saga';
import type { DeadLetters } from '../saga-log/dead-letters';
import type { DocumentedRoute } from '../../../lib/openapi/api-route';
import { documentedRouter } from '../../../lib/openapi/documented-router';
import { orchestratorResponses } from './orchestrator-responses';
import { wholeNumberParam } from '../../../lib/http/whole-number-param';

export interface PubsubRouteDeps {
  contracts: ContractStore;
  sagaLog: SagaLog;
  brokerSaga: BrokerSaga;
  deadLetters: DeadLetters;
  drillsAllowed: boolean;
  /** Stored with the saga: the time by which it must have left START. */
  deadlineMs: number;
}

const deadLetterQuery = z.object({ limit: wholeNumberParam(1, 500).default(100) });

/**
 * MS1's broker-mode endpoints (docs/source-design.md#saga-broker-mode). The answer is 202 once MS1's row, the saga log, the
 * deadline and the first event have committed: it is not the outcome, which `Location` names.
 */
export function pubsubRoutes(routes: DocumentedRoute[], deps: PubsubRouteDeps) {
  const accept = async (req: Request, res: Response, workflow: SagaWorkflow) => {
    const { facts } = await beginSaga(deps, req, workflow, 'event', (w, begun) => deps.brokerSaga.begin(w, workflow, begun.facts));
    const { globalNo, saPponContNo } = facts;
    res
      .status(202)
      .location(`/sagas/${encodeURIComponent(globalNo)}`)
      .json({ globalNo, saPponContNo, state: 'START', message: `accepted; the outcome will be at /sagas/${globalNo}` });
  };

  const { router, route } = documentedRouter(routes, '');
  const accepted = { 202: { description: 'accepted: the outcome will be at Location', schema: orchestratorResponses.sagaAccepted }, 400: 'VALIDATION_FAILED / DRILL_NOT_ALLOWED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'SAGA_IN_PROGRESS' };
  const saga = (path: string, summary: string, body: typeof registerBody | typeof modifyBody) => ({ method: 'post', path, summary, request: { body }, responses: accepted }) as const;
  route(saga('/cont/regPubsub', 'Register saga, broker mode', registerBody), refuseDrill(deps.drillsAllowed), (req, res) => accept(req, res, registerWorkflow));
  route(saga('/cont/amdPubsub', 'Modify saga, broker mode', modifyBody), refuseDrill(deps.drillsAllowed), (req, res) => accept(req, res, modifyWorkflow));
  route(saga('/cont/regPubsubCompensate', 'Register saga, broker mode, drill: a step fails and is compensated', registerBody), refuseDrill(deps.drillsAllowed, true), (req, res) => accept(req, res, registerWorkflow));
  route(saga('/cont/amdPubsubCompensate', 'Modify saga, broker mode, drill: a step fails and is compensated', modifyBody), refuseDrill(deps.drillsAllowed, true), (req, res) => accept(req, res, modifyWorkflow));
  // Registered before `/sagas/:globalNo`, which would otherwise take "dead-letters" for a globalNo.
  const letters = z.object({ items: z.array(z.looseObject({ topic: z.string(), message: z.unknown() })) });
  route({ method: 'get', path: '/sagas/dead-letters', summary: 'Operators: messages no consumer could handle, newest first', request: { query: deadLetterQuery }, responses: { 200: { description: 'dead letters', schema: letters }, 400: 'VALIDATION_FAILED', 403: 'FORBIDDEN' } }, async (req, res) => {
    const { limit } = req.query as unknown as z.infer<typeof deadLetterQuery>;
    res.json({ items: await deps.deadLetters.list(limit) });
  });
  return router;
}
