import type { Request, Response } from 'express';
import { z } from 'zod';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';
import type { BffUser } from '../core/session/session-types';
import { AppError } from '../lib/errors/app-error';
import { memoryKeyValueStore, redisKeyValueStore } from '../core/cache/key-value-store';
import { createContractUpstreams } from '../core/compose/contract-upstreams';
import { composeContract, type ComposedContract } from '../core/compose/compose-contract';
import type { ContractView } from '../core/compose/contract-views';
import { composedOf, viewBehind, type ViewContract, type ViewPage } from '../core/compose/read-model';
import { searchParamsOf } from '../lib/contracts/contract-search';
import { contractListQuery, type ContractListQuery, contractNoParam, globalNoParam, modifyContractBody, registerContractBody, sagaListQuery, type SagaListQuery } from '../core/saga/contract-schemas';
import { sagaListViews, type Ms1SagaItem } from '../core/saga/saga-list-views';
import { runIdempotent } from '../core/saga/idempotency';
import { triggerSaga } from '../core/saga/trigger-saga';
import { SAGA_EVENT_TYPES, streamSagaEvents } from '../core/saga/follow-saga';
import { FULL_CARD_ROLES } from '../lib/contracts/mask-card';
import { stateMembers } from '../lib/contracts/contract-state';
import { rollbackReason } from '../core/compose/rollback-reason';
import { contractDocumentRoutes } from './contract-document-routes';
import { mayDrill } from '../lib/contracts/contract-access';
import type { ApiRoute, DocumentedRoute } from '../lib/openapi/api-route';
import { documentedRouter } from '../lib/openapi/documented-router';
import { bffResponses } from './openapi/bff-responses';
import { contractViewSchemas } from '../core/compose/contract-view-schemas';

const idempotencyKey = z.object({ 'idempotency-key': z.string().max(200).optional().meta({ description: 'a retry with the same key returns the first answer and never starts a second saga' }) });
const sagaAnswers = {
  202: { description: 'event mode: accepted, follow Location', schema: bffResponses.sagaAccepted },
  400: 'VALIDATION_FAILED / DRILL_NOT_ALLOWED',
  403: 'FORBIDDEN',
  409: 'SAGA_FAILED (CANCEL, or COMPENSATING while a compensation is still being retried) / SAGA_IN_PROGRESS',
  429: 'TOO_MANY_REQUESTS',
};
/** `text/event-stream` of a saga: each event type and what its `data:` holds. */
const SAGA_EVENTS: ApiRoute = {
  method: 'get',
  path: '/sagas/{globalNo}/events',
  summary: 'Server-sent events (`step`, `state`, `end`, `timeout`, `failure`) until the saga ends',
  request: { params: globalNoParam },
  responses: {
    200: {
      description: `Every event has an \`id:\` (\`<steps sent>-<state>\`); reconnecting with \`Last-Event-ID\` resumes after it without replay; \`retry:\` is set; after \`end\`, \`timeout\` or \`failure\` the stream closes. Event types: ${Object.entries(SAGA_EVENT_TYPES).map(([k, v]) => `\`${k}\` — ${v}`).join('; ')}.`,
      contentType: 'text/event-stream',
      schema: z.string().meta({ description: 'event: <type>\\nid: <id>\\ndata: <JSON>' }),
    },
    204: 'Last-Event-ID says the end was already delivered: nothing more to send',
    400: 'VALIDATION_FAILED',
    404: 'NOT_FOUND',
  },
};

/** The contract screens' API: lists from the contract view, composed single views, saga triggers, saga status and its event stream. */
export function contractRoutes(runtime: BffRuntime, view: ContractView, routes: DocumentedRoute[]) {
  const { config } = runtime;
  const schemas = contractViewSchemas[view.app];
  const upstreams = createContractUpstreams(config, runtime.metrics.observeUpstream);
  const kv = runtime.redis ? redisKeyValueStore(runtime.redis) : memoryKeyValueStore();
  const { router, route } = documentedRouter(routes, '/api');

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

  /**
   * Composed view, read through a short-lived cache; partial results are never cached. The cache is
   * shared by every user, so it holds only masked card numbers: a caller who may see them in full
   * (lib/contracts/mask-card.ts) reads the services each time, and each of those reads is audited there.
   */
  async function composed(req: Request, no: number): Promise<{ contract: ComposedContract; cached: boolean }> {
    const cacheable = config.composeCacheSeconds > 0 && !(req.user as BffUser).roles.some((r) => FULL_CARD_ROLES.includes(r));
    if (cacheable) {
      const hit = await kv.get(viewKey(no)).catch(() => null);
      if (hit) return { contract: JSON.parse(hit) as ComposedContract, cached: true };
    }
    const begun = Date.now();
    const contract = await composeContract(upstreams, no, ctxOf(req), config.composeBudgetMs);
    if (!contract.partial && cacheable && (changedAt.get(no) ?? 0) < begun) {
      await kv.set(viewKey(no), JSON.stringify(contract), config.composeCacheSeconds).catch(() => undefined);
    }
    return { contract, cached: false };
  }

  /** The contract's own state and its last change (lib/contracts/contract-state.ts), with the reason when that change was rolled back. */
  const sendComposed = async (req: Request, res: Response, contract: ComposedContract, cached: boolean, behind: boolean | null) => {
    const globalNo = contract.ppon.transacSttus === 'CANCEL' && typeof contract.ppon.transacNo === 'string' ? contract.ppon.transacNo : undefined;
    const reason = globalNo ? await rollbackReason(upstreams, globalNo, ctxOf(req)) : undefined;
    res
      .set({ 'x-bff-completed': String(!contract.partial), 'x-bff-cache': cached ? 'HIT' : 'MISS', 'cache-control': 'no-store' })
      .json({ ...view.detail(contract), ...stateMembers(contract.ppon, reason), viewBehind: behind });
  };

  /**
   * One page of the list from the contract view (docs/services.md#the-contract-view): one upstream call whatever the page
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

  /** A list's item as this app shapes it, with the contract's state and last change. */
  const listItem = (c: ComposedContract) => ({ ...view.listItem(c), ...stateMembers(c.ppon) });

  route(
    {
      method: 'get',
      path: '/contracts',
      summary: "A page of contracts from the contract view (the read model fed by the three services' events; it may lag them by a moment)",
      request: { query: contractListQuery },
      responses: { 200: { description: 'page', schema: bffResponses.contractPage(schemas.item) }, 400: 'VALIDATION_FAILED (also a cursor of another query)', 403: 'FORBIDDEN', 502: 'the contract view failed' },
    },
    async (req, res) => {
      const list = await listPage(req, req.query as unknown as ContractListQuery);
      res.set({ 'x-bff-completed': 'true', 'cache-control': 'no-store' }).json({ ...list, items: list.items.map(listItem) });
    });

  /**
   * Live from the three services (it must be exact), and whether the view is behind for it: the
   * view lacks the contract or holds an older version (change number) of one of its rows. null:
   * the view could not be asked.
   */
  route(
    {
      method: 'get',
      path: '/contracts/{pponContNo}',
      summary: view.app === 'pc' ? 'One contract, full rows of ppon, inetaplca and intelnet' : 'One contract as a compact card',
      request: { params: contractNoParam },
      responses: { 200: { description: 'live from the three services (partial: true when MS2/MS3 failed; viewBehind)', schema: schemas.detail }, 400: 'VALIDATION_FAILED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 502: 'MS1 failed', 504: 'MS1 too slow' },
    },
    async (req, res) => {
      const no = Number(req.params.pponContNo);
      const [{ contract, cached }, held] = await Promise.all([
        composed(req, no),
        // Within the composition's budget: a slow view never delays the live answer beyond it.
        upstreams.view.request<ViewContract>('GET', `/view/contracts/${no}`, { ...ctxOf(req), timeoutMs: Math.min(config.upstreamTimeoutMs, config.composeBudgetMs) }).catch(() => undefined),
      ]);
      await sendComposed(req, res, contract, cached, viewBehind(contract, held));
    });

  /**
   * What changed, when, by whom, in which saga: MS1's entries (MS1 holds every business field and
   * every saga of the contract). The PC's grids add the three services' own history rows; a phone
   * gets the entries alone, and only MS1 is asked.
   */
  route(
    {
      method: 'get',
      path: '/contracts/{pponContNo}/history',
      summary: view.historyRows
        ? "What changed, when, by whom, in which saga (`entries`), and the three services' history rows (a part that could not be read is null, `partial: true`)"
        : 'What changed, when, by whom, in which saga: the entries alone, newest first',
      request: { params: contractNoParam },
      responses: { 200: { description: 'history', schema: schemas.history }, 400: 'VALIDATION_FAILED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 502: 'MS1 failed', 504: 'MS1 too slow' },
    },
    async (req, res) => {
      const { contract } = await composed(req, Number(req.params.pponContNo));
      const read = (upstream: typeof upstreams.ppon, no: unknown) =>
        no ? upstream.getJson<{ items: unknown[]; entries?: unknown[] }>(`/cont/${Number(no)}/history`, ctxOf(req)) : Promise.resolve({ items: [], entries: [] });
      const saPponContNo = Number(contract.ppon.saPponContNo);
      if (!view.historyRows) {
        const { entries } = await read(upstreams.ppon, saPponContNo);
        res.set('cache-control', 'no-store').json(view.history({ saPponContNo, partial: false, entries: entries ?? [], ppon: null, inetaplca: null, intelnet: null }));
        return;
      }
      const parts = await Promise.allSettled([
        read(upstreams.ppon, contract.ppon.saPponContNo),
        read(upstreams.inetaplca, contract.ppon.saInetaplcaContNo),
        read(upstreams.intelnet, contract.ppon.saIntelnetContNo),
      ]);
      const [ppon, inetaplca, intelnet] = parts.map((p) => (p.status === 'fulfilled' ? p.value.items : null));
      const entries = parts[0].status === 'fulfilled' ? (parts[0].value.entries ?? []) : [];
      res.set('cache-control', 'no-store').json(view.history({ saPponContNo, partial: parts.some((p) => p.status === 'rejected'), entries, ppon, inetaplca, intelnet }));
    });

  async function startSaga(req: Request, res: Response, kind: 'reg' | 'amd') {
    const body = req.body as { contract: Record<string, string | undefined>; mode?: 'api' | 'event'; drill?: 'compensate' };
    if (body.drill && !config.drillsAllowed) throw new AppError('DRILL_NOT_ALLOWED');
    if (body.drill && !mayDrill((req.user as BffUser).roles)) throw new AppError('FORBIDDEN', 'Only an operator may run a compensation drill');
    const pponContNo = kind === 'amd' ? Number(req.params.pponContNo) : undefined;
    const user = req.user as BffUser;
    const idempotencyKey = req.get('idempotency-key');
    const answer = await runIdempotent(kv, `${config.idempotencyPrefix}${config.app}:${user.sub}`, idempotencyKey, { kind, pponContNo, body }, async () => {
      if (pponContNo) await kv.del(viewKey(pponContNo)).catch(() => undefined);
      const result = await triggerSaga(
        upstreams.ppon,
        {
          kind,
          mode: body.mode ?? config.sagaModeDefault,
          drill: body.drill === 'compensate',
          pponContNo,
          fields: body.contract,
          user: { id: user.sub.slice(0, 50), name: String((user.claims.name as string | undefined) ?? user.sub).slice(0, 100) },
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

  router.use('/contracts/:pponContNo/documents', contractDocumentRoutes(runtime, upstreams, ctxOf, routes));

  route(
    {
      method: 'post',
      path: '/contracts',
      summary: 'Register a contract (saga). api mode: 201 with the outcome or 409 SAGA_FAILED; event mode: 202 + Location',
      csrf: true,
      request: { body: registerContractBody, headers: idempotencyKey },
      responses: { 201: { description: 'saga ended END', schema: bffResponses.sagaOutcome }, ...sagaAnswers },
    },
    (req, res) => startSaga(req, res, 'reg'),
  );
  route(
    {
      method: 'put',
      path: '/contracts/{pponContNo}',
      summary: 'Modify a contract (saga), same modes as register',
      csrf: true,
      request: { params: contractNoParam, body: modifyContractBody, headers: idempotencyKey },
      responses: { 200: { description: 'saga ended END', schema: bffResponses.sagaOutcome }, ...sagaAnswers, 404: 'NOT_FOUND' },
    },
    (req, res) => startSaga(req, res, 'amd'),
  );

  /**
   * The sagas this user may see, newest first, from MS1's saga list: MS1 decides whose (an agent's
   * own, every saga for operators and supervisors); PC gets every column, mobile a compact card.
   */
  const sagaList = sagaListViews[view.app];
  route(
    {
      method: 'get',
      path: '/sagas',
      summary: view.app === 'pc' ? "Sagas the user may see (an agent's own, every saga for operators and supervisors), newest first, by state and kind" : 'Sagas the user may see, newest first, as compact cards',
      request: { query: sagaListQuery },
      responses: { 200: { description: 'a page of sagas', schema: sagaList.page }, 400: 'VALIDATION_FAILED (also a cursor of another list)', 403: 'FORBIDDEN', 502: 'MS1 failed' },
    },
    async (req, res) => {
      const { size, ...filter } = req.query as unknown as SagaListQuery;
      const params = new URLSearchParams({ limit: String(size) });
      for (const [k, v] of Object.entries(filter)) if (v !== undefined) params.set(k, v);
      const { status, body } = await upstreams.ppon.request<{ items: Ms1SagaItem[]; nextCursor: string | null; detail?: string; errors?: unknown }>('GET', `/sagas?${params}`, ctxOf(req));
      if (status === 400) throw new AppError('VALIDATION_FAILED', body.detail ?? 'The saga list query is not valid', body.errors ? { errors: body.errors } : {});
      if (status === 403) throw new AppError('FORBIDDEN', 'MS1 does not let this user list sagas');
      if (status !== 200) throw new AppError('UPSTREAM_BAD_RESPONSE', `ppon answered ${status}`, { upstream: 'ppon' });
      res.set('cache-control', 'no-store').json({ items: body.items.map(sagaList.item), nextCursor: body.nextCursor });
    });

  route(
    { method: 'get', path: '/sagas/{globalNo}', summary: "A saga's state and steps from MS1's saga log", request: { params: globalNoParam }, responses: { 200: { description: 'saga', schema: bffResponses.saga }, 400: 'VALIDATION_FAILED', 404: 'NOT_FOUND' } },
    async (req, res) => {
      const log = await upstreams.ppon.getJson(`/sagas/${encodeURIComponent(String(req.params.globalNo))}`, ctxOf(req));
      res.set('cache-control', 'no-store').json(log);
    });

  route(SAGA_EVENTS, async (req, res) => {
    await streamSagaEvents(res, upstreams.ppon, String(req.params.globalNo), ctxOf(req), {
      hub: runtime.sagaProgress,
      maxMs: config.sagaEventsMaxMs,
      // The query is for a browser's fresh EventSource after one that failed (web/shared/saga-progress.tsx).
      lastEventId: req.get('last-event-id') ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined),
    });
  });

  return { router, listPage, listItem };
}
