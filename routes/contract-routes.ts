import { Router, type Request, type Response } from 'express';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';
import type { BffUser } from '../core/session/session-types';
import { AppError } from '../lib/errors/app-error';
import { validate } from '../lib/http/validate';
import { memoryKeyValueStore, redisKeyValueStore } from '../core/cache/key-value-store';
import { createContractUpstreams } from '../core/compose/contract-upstreams';
import { composeContract, type ComposedContract, type ContractRow } from '../core/compose/compose-contract';
import type { ContractView } from '../core/compose/contract-views';
import { mapLimit } from '../core/compose/map-limit';
import { contractListQuery, contractNoParam, globalNoParam, modifyContractBody, registerContractBody } from '../core/saga/contract-schemas';
import { runIdempotent } from '../core/saga/idempotency';
import { triggerSaga } from '../core/saga/trigger-saga';
import { streamSagaEvents } from '../core/saga/follow-saga';

const ENRICH_CONCURRENCY = 4;

/** The contract screens' API: composed views, saga triggers, saga status and its event stream. */
export function contractRoutes(runtime: BffRuntime, view: ContractView) {
  const { config } = runtime;
  const upstreams = createContractUpstreams(config, runtime.metrics.observeUpstream);
  const kv = runtime.redis ? redisKeyValueStore(runtime.redis) : memoryKeyValueStore();
  const router = Router();

  const ctxOf = (req: Request) => ({ globalNo: req.globalNo, userSub: (req.user as BffUser).sub, accessToken: req.accessToken });
  const viewKey = (no: number) => `${config.composeCachePrefix}${no}`;

  /** Composed view, read through a short-lived cache; partial results are never cached. */
  async function composed(req: Request, no: number): Promise<{ contract: ComposedContract; cached: boolean }> {
    if (config.composeCacheSeconds > 0) {
      const hit = await kv.get(viewKey(no)).catch(() => null);
      if (hit) return { contract: JSON.parse(hit) as ComposedContract, cached: true };
    }
    const contract = await composeContract(upstreams, no, ctxOf(req), config.composeBudgetMs);
    if (!contract.partial && config.composeCacheSeconds > 0) {
      await kv.set(viewKey(no), JSON.stringify(contract), config.composeCacheSeconds).catch(() => undefined);
    }
    return { contract, cached: false };
  }

  const sendComposed = (res: Response, contract: ComposedContract, cached: boolean) => {
    res.set({ 'x-bff-completed': String(!contract.partial), 'x-bff-cache': cached ? 'HIT' : 'MISS', 'cache-control': 'no-store' }).json(view.detail(contract));
  };

  /** One page of MS1 rows, each enriched with MS2 and MS3 — a few at a time, never one by one. */
  async function listPage(req: Request, query: { page: number; size: number; q?: string; mine?: string }) {
    const params = new URLSearchParams({ page: String(query.page), size: String(query.size), ...(query.q ? { contr: query.q } : {}), ...(query.mine === 'true' ? { mine: 'true' } : {}) });
    const page = await upstreams.ppon.getJson<{ items: ContractRow[]; page: number; size: number; total: number }>(`/cont?${params}`, ctxOf(req));
    const items = await mapLimit(page.items, ENRICH_CONCURRENCY, async (row) => {
      try {
        return (await composed(req, row.saPponContNo)).contract;
      } catch (err) {
        // The row itself came from MS1; a failed enrichment still shows it, marked partial.
        const code = err instanceof AppError ? err.code : 'INTERNAL';
        return { ppon: row, inetaplca: null, intelnet: null, errors: { inetaplca: code, intelnet: code }, partial: true } satisfies ComposedContract;
      }
    });
    return { page: page.page, size: page.size, total: page.total, partial: items.some((i) => i.partial), items };
  }

  router.get('/contracts', validate(contractListQuery, 'query'), async (req, res) => {
    const list = await listPage(req, req.query as unknown as { page: number; size: number; q?: string; mine?: string });
    res.set({ 'x-bff-completed': String(!list.partial), 'cache-control': 'no-store' }).json({ ...list, items: list.items.map(view.listItem) });
  });

  router.get('/contracts/:pponContNo', validate(contractNoParam, 'params'), async (req, res) => {
    const { contract, cached } = await composed(req, Number(req.params.pponContNo));
    sendComposed(res, contract, cached);
  });

  /** The three services' history rows of one contract (each service keeps its own), for the detail screen. */
  router.get('/contracts/:pponContNo/history', validate(contractNoParam, 'params'), async (req, res) => {
    const { contract } = await composed(req, Number(req.params.pponContNo));
    const read = (upstream: typeof upstreams.ppon, no: unknown) =>
      no ? upstream.getJson<{ items: unknown[] }>(`/cont/${Number(no)}/history`, ctxOf(req)).then((h) => h.items) : Promise.resolve([]);
    const parts = await Promise.allSettled([
      read(upstreams.ppon, contract.ppon.saPponContNo),
      read(upstreams.inetaplca, contract.ppon.saInetaplcaContNo),
      read(upstreams.intelnet, contract.ppon.saIntelnetContNo),
    ]);
    const [ppon, inetaplca, intelnet] = parts.map((p) => (p.status === 'fulfilled' ? p.value : null));
    res.set('cache-control', 'no-store').json({ saPponContNo: contract.ppon.saPponContNo, partial: parts.some((p) => p.status === 'rejected'), ppon, inetaplca, intelnet });
  });

  async function startSaga(req: Request, res: Response, kind: 'reg' | 'amd') {
    const body = req.body as { contract: Record<string, string | undefined>; mode?: 'api' | 'event'; drill?: 'compensate' };
    if (body.drill && !config.drillsAllowed) throw new AppError('DRILL_NOT_ALLOWED');
    const pponContNo = kind === 'amd' ? Number(req.params.pponContNo) : undefined;
    const user = req.user as BffUser;
    const idempotencyKey = req.get('idempotency-key');
    const answer = await runIdempotent(kv, `${config.app}:${user.sub}`, idempotencyKey, { kind, pponContNo, body }, async () => {
      if (pponContNo) await kv.del(viewKey(pponContNo)).catch(() => undefined);
      const result = await triggerSaga(
        upstreams.ppon,
        {
          kind,
          mode: body.mode ?? config.sagaModeDefault,
          drill: body.drill === 'compensate',
          pponContNo,
          fields: body.contract,
          user: { id: user.sub.slice(0, 50), name: String(user.claims.name ?? user.sub).slice(0, 100) },
        },
        { ...ctxOf(req), sagaTimeoutMs: config.sagaTimeoutMs },
      );
      const no = Number(result.body.saPponContNo);
      if (no) await kv.del(viewKey(no)).catch(() => undefined);
      return result;
    });
    if (answer.replayed) res.set('idempotent-replayed', 'true');
    res.status(answer.status).location(answer.location ?? '').set('cache-control', 'no-store').json(answer.body);
  }

  router.post('/contracts', validate(registerContractBody), (req, res) => startSaga(req, res, 'reg'));
  router.put('/contracts/:pponContNo', validate(contractNoParam, 'params'), validate(modifyContractBody), (req, res) => startSaga(req, res, 'amd'));

  router.get('/sagas/:globalNo', validate(globalNoParam, 'params'), async (req, res) => {
    const log = await upstreams.ppon.getJson(`/sagas/${encodeURIComponent(String(req.params.globalNo))}`, ctxOf(req));
    res.set('cache-control', 'no-store').json(log);
  });

  router.get('/sagas/:globalNo/events', validate(globalNoParam, 'params'), async (req, res) => {
    await streamSagaEvents(res, upstreams.ppon, String(req.params.globalNo), ctxOf(req), {
      pollMs: 200,
      maxMs: Math.max(config.sagaTimeoutMs, 60_000),
      lastEventId: req.get('last-event-id'),
    });
  });

  return { router, listPage };
}
