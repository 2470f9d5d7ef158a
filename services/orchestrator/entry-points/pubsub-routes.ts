import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { validate, parseOrThrow } from '../../../lib/http/validate';
import type { ContractStore } from '../../platform/contracts/contract-store';
import { beginSaga, modifyBody, refuseDrill, registerBody } from './begin-saga';
import type { SagaLog } from '../saga-log/saga-log';
import { modifyWorkflow } from '../workflows/modify-workflow';
import { registerWorkflow } from '../workflows/register-workflow';
import type { SagaWorkflow } from '../workflows/saga-workflow';
import type { BrokerSaga } from '../engine/broker-saga';
import type { DeadLetters } from '../saga-log/dead-letters';

export interface PubsubRouteDeps {
  contracts: ContractStore;
  sagaLog: SagaLog;
  brokerSaga: BrokerSaga;
  deadLetters: DeadLetters;
  drillsAllowed: boolean;
  /** Stored with the saga: the time by which it must have left START. */
  deadlineMs: number;
  /** Publishes the first event now rather than at the relay's next poll. */
  kickRelay(): void;
}

const deadLetterQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

/**
 * MS1's broker-mode endpoints (SPEC §4). The answer is 202 once MS1's row, the saga log, the
 * deadline and the first event have committed: it is not the outcome, which `Location` names.
 */
export function pubsubRoutes(deps: PubsubRouteDeps): Router {
  const accept = async (req: Request, res: Response, workflow: SagaWorkflow) => {
    const { facts } = await beginSaga(deps, req, workflow, 'event', (w, begun) => deps.brokerSaga.begin(w, workflow, begun.facts));
    deps.kickRelay();
    const { globalNo, saPponContNo } = facts;
    res
      .status(202)
      .location(`/sagas/${encodeURIComponent(globalNo)}`)
      .json({ globalNo, saPponContNo, state: 'START', message: `accepted; the outcome will be at /sagas/${globalNo}` });
  };

  const router = Router();
  router.post('/cont/regPubsub', validate(registerBody), refuseDrill(deps.drillsAllowed), (req, res) => accept(req, res, registerWorkflow));
  router.post('/cont/amdPubsub', validate(modifyBody), refuseDrill(deps.drillsAllowed), (req, res) => accept(req, res, modifyWorkflow));
  router.post('/cont/regPubsubCompensate', validate(registerBody), refuseDrill(deps.drillsAllowed, true), (req, res) => accept(req, res, registerWorkflow));
  router.post('/cont/amdPubsubCompensate', validate(modifyBody), refuseDrill(deps.drillsAllowed, true), (req, res) => accept(req, res, modifyWorkflow));
  // Registered before `/sagas/:globalNo`, which would otherwise take "dead-letters" for a globalNo.
  router.get('/sagas/dead-letters', async (req, res) => {
    const { limit } = parseOrThrow(deadLetterQuery, req.query, 'query');
    res.json({ items: await deps.deadLetters.list(limit) });
  });
  return router;
}
