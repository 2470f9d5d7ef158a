import { z } from 'zod';
import { AppError } from '../../../lib/errors/app-error';
import { contractNoParam, wholeNumberParam } from '../../../lib/http/whole-number-param';
import type { ContractStore } from './contract-store';
import { cardExposure } from './card-exposure';
import { toFieldName } from './column-case';
import { stateMembers } from '../../../lib/contracts/contract-state';
import { historyEntries } from '../../../lib/contracts/history-entries';
import { contractResponseSchemas } from '../../../lib/contracts/contract-response-schemas';
import type { DocumentedRoute } from '../../../lib/openapi/api-route';
import { documentedRouter } from '../../../lib/openapi/documented-router';

const noParams = z.object({ no: contractNoParam });
const listQuery = z.object({
  page: wholeNumberParam(1, 1_000_000).default(1),
  size: wholeNumberParam(1, 100).default(20),
  contr: z.string().max(200).optional(),
  svcNo: z.string().max(200).optional(),
  includeDeleted: z.enum(['true', 'false', 'Y', 'N']).default('false').transform((v) => v === 'true' || v === 'Y'),
  /** "My contracts": the ones the caller (or the user it acts for) registered. */
  mine: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

/**
 * The query side every service shares. Single contracts are read through the cache (`x-cache`
 * says HIT or MISS); a cancelled registration is still a row (`delYn: "Y"`), so it is returned.
 */
export function contractQueryRoutes(store: ContractStore, routes: DocumentedRoute[]) {
  const { router, route } = documentedRouter(routes, '');
  const { row, state, historyEntry } = contractResponseSchemas;
  const contract = row.extend(state).meta({ id: 'Contract' });
  const ownField = toFieldName(store.table.key);
  const existing = async (no: number) => {
    const found = await store.findCached(no);
    if (!found) throw new AppError('NOT_FOUND', `Contract ${no} does not exist`);
    return found;
  };

  const page = z.object({ items: z.array(contract), page: z.number().int(), size: z.number().int(), total: z.number().int() });
  route({ method: 'get', path: '/cont', summary: "A page of this service's contracts (offset paging; `mine`: the caller's)", request: { query: listQuery }, responses: { 200: { description: 'page', schema: page }, 400: 'VALIDATION_FAILED', 403: 'FORBIDDEN' } }, async (req, res) => {
    const { mine, ...query } = req.query as unknown as z.infer<typeof listQuery>;
    const { items, total } = await store.list({ ...query, ...(mine ? { mkerId: req.actor?.sub ?? '' } : {}) });
    const cards = cardExposure(req, 'list', ownField);
    res.json({ items: items.map((row) => ({ ...cards(row), ...stateMembers(row) })), page: query.page, size: query.size, total });
  });
  const found = { 400: 'VALIDATION_FAILED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' };
  route({ method: 'get', path: '/cont/{no}', summary: 'One contract, read through the cache (`x-cache`: HIT or MISS)', request: { params: noParams }, responses: { 200: { description: 'the contract', schema: contract }, ...found } }, async (req, res) => {
    const { no } = req.params as unknown as z.infer<typeof noParams>;
    const { contract, cached } = await existing(no);
    res.set('x-cache', cached ? 'HIT' : 'MISS').json({ ...cardExposure(req, 'contract', ownField)(contract), ...stateMembers(contract) });
  });
  const history = z.object({ items: z.array(row).meta({ description: 'the history rows as stored (each the contract before a change)' }), entries: z.array(historyEntry).meta({ description: 'what changed, newest first' }) });
  route({ method: 'get', path: '/cont/{no}/history', summary: "The contract's history rows and what changed in each saga", request: { params: noParams }, responses: { 200: { description: 'history', schema: history }, ...found } }, async (req, res) => {
    const { no } = req.params as unknown as z.infer<typeof noParams>;
    const { contract } = await existing(no);
    const cards = cardExposure(req, 'history', ownField);
    const history = await store.history(no);
    const shown = (field: string, value: unknown) => (field === 'cardNo' ? cards({ cardNo: value, [ownField]: no }).cardNo : value);
    // `items`: the history rows as stored (each the contract before a change); `entries`: what changed, newest first.
    res.json({ items: history.map(cards), entries: historyEntries(history, contract, shown) });
  });
  return router;
}
