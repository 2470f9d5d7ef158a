import type { Response } from 'express';
import { AppError } from '../../lib/errors/app-error';
import type { CallContext, Upstream } from '../compose/create-upstream';
import type { SagaProgressHub } from './saga-progress-hub';

// COMPENSATING is not an outcome: MS1 keeps retrying the compensation until the saga is CANCEL.
const TERMINAL = new Set(['END', 'CANCEL']);
/** What the browser waits before reconnecting after a dropped stream (the `retry:` field). */
export const SSE_RETRY_MS = 2000;
const KEEPALIVE_MS = 15_000;

/** The event types of `/api/sagas/{globalNo}/events`, as documented in the OpenAPI document. */
export const SAGA_EVENT_TYPES = {
  step: 'one new step of the saga log (participant, action, attempt, outcome, durationMs, error, startedAt)',
  state: 'the saga state changed: `{ globalNo, state }`',
  end: 'terminal state reached (END or CANCEL; a saga still COMPENSATING is not over): the saga summary including `message` (the reason); the stream then ends',
  timeout: 'the saga has not ended while this stream followed it (not an outcome: it goes on): `{ globalNo, state, statusUrl }`; the stream then ends, and a reconnect resumes after it',
  failure: 'MS1 could not be read (not an outcome either): `{ code }`; the stream then ends, and a reconnect tries again',
} as const;

interface SagaLog {
  state: string;
  steps?: unknown[];
  [k: string]: unknown;
}

/**
 * Where a stream stands, carried in every event's `id:` as `<steps sent>-<last state>[-end]`, so a
 * reconnect's `Last-Event-ID` resumes exactly after what the browser already has. Unreadable ids
 * restart from the beginning (a replay is better than a gap).
 */
export function parseSagaEventId(id: string | undefined): { steps: number; state: string; ended: boolean } {
  const m = /^(\d{1,6})-([A-Z_]{1,40})(-end)?$/.exec(id ?? '');
  return m ? { steps: Number(m[1]), state: m[2], ended: Boolean(m[3]) } : { steps: 0, state: '', ended: false };
}

/**
 * Server-sent events of a saga from MS1's saga log: `step` for each new step, `state` when the
 * state changes, and `end` at a terminal state, after which the stream closes. New readings of
 * MS1's log come from the process's hub (one reader per saga, woken by MS1's change notices:
 * core/saga/saga-progress-hub.ts), not from a poll per stream; it stops when the client goes away, and gives up after `maxMs` with a `timeout` event
 * (no outcome: the browser reconnects and the next stream resumes after what it has).
 * A reconnect whose `Last-Event-ID` already covers the end is answered 204, which tells an
 * EventSource to stop reconnecting.
 */
export async function streamSagaEvents(res: Response, ms1: Upstream, globalNo: string, ctx: CallContext, options: { hub: SagaProgressHub; maxMs: number; lastEventId?: string }): Promise<void> {
  const path = `/sagas/${encodeURIComponent(globalNo)}`;
  // The first read decides between a 404 problem and a stream.
  let log = await ms1.getJson<SagaLog>(path, ctx);
  const resume = parseSagaEventId(options.lastEventId);
  if (resume.ended) {
    res.status(204).set('cache-control', 'no-store').end();
    return;
  }
  res.status(200).set({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no', connection: 'keep-alive' });
  res.flushHeaders();
  let closed = false;
  res.on('close', () => (closed = true));
  // A draining server ends the stream itself (lib/http/serve.ts: a `reconnect` event, then the
  // end); the browser reconnects with Last-Event-ID, through the load balancer, to another instance.
  const ended = () => closed || res.writableEnded;

  let sentSteps = Math.min(resume.steps, log.steps?.length ?? 0);
  let lastState = resume.state;
  const idNow = (end = false) => `${sentSteps}-${lastState || 'NONE'}${end ? '-end' : ''}`;
  const send = (event: keyof typeof SAGA_EVENT_TYPES, data: unknown, end = false) => res.write(`id: ${idNow(end)}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  res.write(`retry: ${SSE_RETRY_MS}\n\n`);

  let lastWrite = Date.now();
  const deadline = Date.now() + options.maxMs;
  const follower = options.hub.follow(globalNo, () => ms1.getJson<SagaLog>(path, ctx));
  res.on('close', () => follower.stop());
  for (;;) {
    const steps = log.steps ?? [];
    while (sentSteps < steps.length) {
      sentSteps++;
      send('step', steps[sentSteps - 1]);
      lastWrite = Date.now();
    }
    if (log.state !== lastState) {
      lastState = log.state;
      send('state', { globalNo, state: log.state });
      lastWrite = Date.now();
    }
    if (TERMINAL.has(log.state)) {
      const { steps: _s, ...summary } = log;
      send('end', summary, true);
      break;
    }
    if (Date.now() > deadline) {
      // Not an end: its id lets the browser's reconnect resume here (an `-end` id would get a 204).
      send('timeout', { globalNo, state: log.state, statusUrl: `/api/sagas/${encodeURIComponent(globalNo)}` });
      break;
    }
    // A comment now and then keeps idle proxies from closing a slow saga's stream.
    if (Date.now() - lastWrite > KEEPALIVE_MS) {
      res.write(': keep-alive\n\n');
      lastWrite = Date.now();
    }
    try {
      const fresh = await follower.next(Math.min(KEEPALIVE_MS, Math.max(0, deadline - Date.now())) + 1);
      if (ended()) return;
      if (fresh) log = fresh;
    } catch (err) {
      if (ended()) return;
      send('failure', { code: err instanceof AppError ? err.code : 'INTERNAL' });
      break;
    }
  }
  follower.stop();
  res.end();
}
