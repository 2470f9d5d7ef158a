import { z } from 'zod';
import { AppError } from '../../lib/errors/app-error';
import { contractSearchQuery } from '../../lib/contracts/contract-search';
import { contractNoParam } from '../../lib/http/whole-number-param';
import type { LagProbe } from './view-lag';
import type { ContractViewStore } from './view-store';
import type { DocumentedRoute } from '../../lib/openapi/api-route';
import { documentedRouter } from '../../lib/openapi/documented-router';
import { contractResponseSchemas } from '../../lib/contracts/contract-response-schemas';

const { row } = contractResponseSchemas;
/** One contract as the view holds it: the three services' rows and their versions (services/contract-view/view-store.ts). */
const viewContract = z.looseObject({ ppon: row }).meta({ id: 'ViewContract' });

const noParams = z.object({ no: contractNoParam });

/** The read model over HTTP: search with keyset paging, one contract with its versions, the lag. */
export function contractViewRoutes(store: ContractViewStore, lag: LagProbe, routes: DocumentedRoute[]) {
  const { router, route } = documentedRouter(routes, '');
  const page = z.looseObject({ items: z.array(viewContract), total: z.number().int(), nextCursor: z.string().nullable(), size: z.number().int() }).meta({ id: 'ViewPage' });
  const search = { method: 'get', path: '/view/contracts', summary: 'Search by any part of a contract, keyset paging with an opaque cursor', request: { query: contractSearchQuery } } as const;
  route({ ...search, responses: { 200: { description: 'page', schema: page }, 400: 'VALIDATION_FAILED (also a cursor of another query)', 403: 'FORBIDDEN' } }, async (req, res) => {
    const { mine, ...query } = req.query as unknown as z.infer<typeof contractSearchQuery>;
    const page = await store.search({ ...query, ...(mine ? { mkerId: (req.actor?.sub ?? '').slice(0, 200) } : {}) });
    res.json({ ...page, size: query.size });
  });
  const one = { method: 'get', path: '/view/contracts/{no}', summary: 'One contract as the view holds it, with its versions', request: { params: noParams } } as const;
  route({ ...one, responses: { 200: { description: 'the contract', schema: viewContract }, 400: 'VALIDATION_FAILED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' } }, async (req, res) => {
    const { no } = req.params as unknown as z.infer<typeof noParams>;
    const found = await store.find(no);
    if (!found) throw new AppError('NOT_FOUND', `The view holds no contract ${no}`);
    res.json(found);
  });
  route({ method: 'get', path: '/view/lag', summary: "How far the view is behind the services' events", responses: { 200: { description: 'lag', schema: z.object({ events: z.number().int().nullable(), seconds: z.number().nullable(), measuredAt: z.string(), error: z.string().optional() }).meta({ id: 'ViewLag' }) }, 403: 'FORBIDDEN' } }, async (_req, res) => {
    res.json(await lag.measure());
  });
  return router;
}
