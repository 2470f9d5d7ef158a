import { Router, type Request, type Response } from 'express';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';
import type { BffUser } from '../core/session/session-types';
import { AppError } from '../lib/errors/app-error';
import { validate } from '../lib/http/validate';
import { memoryKeyValueStore, redisKeyValueStore } from '../core/cache/key-value-store';
import { createContractUpstreams } from '../core/compose/contract-upstreams';
import { composeContract, type ComposedContract } from '../core/compose/compose-contract';
import type { ContractView } from '../core/compose/contract-views';
import { composedOf, viewBehind, type ViewContract, type ViewPage } from '../core/compose/read-model';
import { searchParamsOf } from '../lib/contracts/contract-search';
import { contractListQuery, type ContractListQuery, contractNoParam, globalNoParam, modifyContractBody, registerContractBody } from '../core/saga/contract-schemas';
import { runIdempotent } from '../core/saga/idempotency';
import { triggerSaga } from '../core/saga/trigger-saga';
import { streamSagaEvents } from '../core/saga/follow-saga';

/** The contract screens' API: lists from the contract view, composed single views, saga triggers, saga status and its event stream. */
export function contractRoutes(runtime: BffRuntime, view: ContractView) {
  const { config } = runtime;
  const upstreams = createContractUpstreams(config, runtime.metrics.observeUpstream);
  const kv = runtime.redis ? redisKeyValueStore(runtime.redis) : memoryKeyValueStore();
  const router = Router();

  const ctxOf = (req: Request) => ({ globalNo: req.globalNo, userSub: (req.user as BffUser).sub, accessToken: req.accessToken });
  const viewKey = (no: number) => `${config.composeCachePrefix}${no}`;
  // A service committed a change of the contract: its composed view goes (every instance hears
  // the notice and drops the shared key), and a composition begun before the notice is not cached.
  const changedAt = new Map<number, number>();
  runtime.changes.on((notice) => {
    if (!('contract' in notice)) return;
    changedAt.set(notice.contract, Date.now());
    if (changedAt.size > 10_000) changedAt.delete(changedAt.keys().next().value!);
    void kv.del(viewKey(notice.contract)).catch(() => undefined);
  });

  /** Composed view, read through a short-lived cache; partial results are never cached. */
  async function composed(req: Request, no: number): Promise<{ contract: ComposedContract; cached: boolean }> {
    if (config.composeCacheSeconds > 0) {
      const hit = await kv.get(viewKey(no)).catch(() => null);
      if (hit) return { contract: JSON.parse(hit) as ComposedContract, cached: true };
    }
    const begun = Date.now();
    const contract = await composeContract(upstreams, no, ctxOf(req), config.composeBudgetMs);
    if (!contract.partial && config.composeCacheSeconds > 0 && (changedAt.get(no) ?? 0) < begun) {
      await kv.set(viewKey(no), JSON.stringify(contract), config.composeCacheSeconds).catch(() => undefined);
    }
    return { contract, cached: false };
  }

  const sendComposed = (res: Response, contract: ComposedContract, cached: boolean, behind: boolean | null) => {
    res.set({ 'x-bff-completed': String(!contract.partial), 'x-bff-cache': cached ? 'HIT' : 'MISS', 'cache-control': 'no-store' }).json({ ...view.detail(contract), viewBehind: behind });
  };

  /**
   * One page of the list from the contract view (issue 12): one upstream call whatever the page
   * size, search by any of the three services' fields, keyset paging with the view's opaque cursor.
   */
  async function listPage(req: Request, query: Partial<ContractListQuery> & { size: number }) {
    const { q, ...rest } = query;
    const params = searchParamsOf({ ...rest, contr: rest.contr ?? q });
    const { status, body } = await upstreams.view.request<ViewPage & { detail?: string; errors?: unknown }>('GET', `/view/contracts?${params}`, ctxOf(req));
    // The view validates the cursor against the query it was made for: that is the screen's 400.
    if (status === 400) throw new AppError('VALIDATION_FAILED', body.detail ?? 'The search is not valid', body.errors ? { errors: body.errors } : {});
    if (status === 403) throw new AppError('FORBIDDEN', 'The contract view does not let this user list contracts');
    if (status !== 200) throw new AppError('UPSTREAM_BAD_RESPONSE', `contract-view answered ${status}`, { upstream: 'contract-view' });
    const items = body.items.map(composedOf);
    return { size: body.size, total: body.total, nextCursor: body.nextCursor, partial: false, items };
  }

  router.get('/contracts', validate(contractListQuery, 'query'), async (req, res) => {
    const list = await listPage(req, req.query as unknown as ContractListQuery);
    res.set({ 'x-bff-completed': 'true', 'cache-control': 'no-store' }).json({ ...list, items: list.items.map(view.listItem) });
  });

  /**
   * Live from the three services (it must be exact), and whether the view is behind for it: the
   * view lacks the contract or holds an older version (change number) of one of its rows. null:
   * the view could not be asked.
   */
  router.get('/contracts/:pponContNo', validate(contractNoParam, 'params'), async (req, res) => {
    const no = Number(req.params.pponContNo);
    const [{ contract, cached }, held] = await Promise.all([
      composed(req, no),
      // Within the composition's budget: a slow view never delays the live answer beyond it.
      upstreams.view.request<ViewContract>('GET', `/view/contracts/${no}`, { ...ctxOf(req), timeoutMs: Math.min(config.upstreamTimeoutMs, config.composeBudgetMs) }).catch(() => undefined),
    ]);
    sendComposed(res, contract, cached, viewBehind(contract, held));
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
      hub: runtime.sagaProgress,
      maxMs: Math.max(config.sagaTimeoutMs, 60_000),
      lastEventId: req.get('last-event-id'),
    });
  });

  return { router, listPage };
}
