import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../lib/errors/app-error';
import { contractSearchQuery } from '../../lib/contracts/contract-search';
import { parseOrThrow } from '../../lib/http/validate';
import type { LagProbe } from './view-lag';
import type { ContractViewStore } from './view-store';

const noParams = z.object({ no: z.string().regex(/^\d{1,10}$/, 'must be a contract number').transform(Number).pipe(z.number().int().positive().max(2_147_483_647)) });

/** The read model over HTTP: search with keyset paging, one contract with its versions, the lag. */
export function contractViewRoutes(store: ContractViewStore, lag: LagProbe): Router {
  const router = Router();
  router.get('/view/contracts', async (req, res) => {
    const { mine, ...query } = parseOrThrow(contractSearchQuery, req.query, 'query');
    const page = await store.search({ ...query, ...(mine ? { mkerId: (req.actor?.sub ?? '').slice(0, 200) } : {}) });
    res.json({ ...page, size: query.size });
  });
  router.get('/view/contracts/:no', async (req, res) => {
    const { no } = parseOrThrow(noParams, req.params, 'params');
    const found = await store.find(no);
    if (!found) throw new AppError('NOT_FOUND', `The view holds no contract ${no}`);
    res.json(found);
  });
  router.get('/view/lag', async (_req, res) => {
    res.json(await lag.measure());
  });
  return router;
}
