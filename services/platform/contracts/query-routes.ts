import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../../lib/errors/app-error';
import { parseOrThrow } from '../../../lib/http/validate';
import { contractNo } from './contract-payload';
import type { ContractStore } from './contract-store';
import { cardExposure } from './card-exposure';
import { toFieldName } from './column-case';
import { stateMembers } from '../../../lib/contracts/contract-state';
import { historyEntries } from '../../../lib/contracts/history-entries';

const noParams = z.object({ no: z.string().regex(/^\d{1,10}$/, 'must be a contract number').transform(Number).pipe(contractNo) });
const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  size: z.coerce.number().int().min(1).max(100).default(20),
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
export function contractQueryRoutes(store: ContractStore): Router {
  const router = Router();
  const ownField = toFieldName(store.table.key);
  const existing = async (no: number) => {
    const found = await store.findCached(no);
    if (!found) throw new AppError('NOT_FOUND', `Contract ${no} does not exist`);
    return found;
  };

  router.get('/cont', async (req, res) => {
    const { mine, ...query } = parseOrThrow(listQuery, req.query, 'query');
    const { items, total } = await store.list({ ...query, ...(mine ? { mkerId: req.actor?.sub ?? '' } : {}) });
    const cards = cardExposure(req, 'list', ownField);
    res.json({ items: items.map((row) => ({ ...cards(row), ...stateMembers(row) })), page: query.page, size: query.size, total });
  });
  router.get('/cont/:no', async (req, res) => {
    const { no } = parseOrThrow(noParams, req.params, 'params');
    const { contract, cached } = await existing(no);
    res.set('x-cache', cached ? 'HIT' : 'MISS').json({ ...cardExposure(req, 'contract', ownField)(contract), ...stateMembers(contract) });
  });
  router.get('/cont/:no/history', async (req, res) => {
    const { no } = parseOrThrow(noParams, req.params, 'params');
    const { contract } = await existing(no);
    const cards = cardExposure(req, 'history', ownField);
    const history = await store.history(no);
    const shown = (field: string, value: unknown) => (field === 'cardNo' ? cards({ cardNo: value, [ownField]: no }).cardNo : value);
    // `items`: the history rows as stored (each the contract before a change); `entries`: what changed, newest first.
    res.json({ items: history.map(cards), entries: historyEntries(history, contract, shown) });
  });
  return router;
}
