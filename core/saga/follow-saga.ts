import type { Response } from 'express';
import { AppError } from '../../lib/errors/app-error';
import type { CallContext, Upstream } from '../compose/create-upstream';

const TERMINAL = new Set(['END', 'CANCEL', 'COMPENSATION_FAILED']);

interface SagaLog {
  state: string;
  steps?: unknown[];
  [k: string]: unknown;
}

/**
 * Server-sent events of a saga from MS1's saga log: `step` for each new step, `state` when the
 * state changes, and `end` at a terminal state, after which the stream closes. Polls MS1 (the log
 * is MS1's), stops when the client goes away, and gives up after `maxMs` with a `timeout` event.
 */
export async function streamSagaEvents(res: Response, ms1: Upstream, globalNo: string, ctx: CallContext, options: { pollMs: number; maxMs: number }): Promise<void> {
  const path = `/sagas/${encodeURIComponent(globalNo)}`;
  // The first read decides between a 404 problem and a stream.
  let log = await ms1.getJson<SagaLog>(path, ctx);
  res.status(200).set({ 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-accel-buffering': 'no', connection: 'keep-alive' });
  res.flushHeaders();
  let closed = false;
  res.on('close', () => (closed = true));
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

  let sentSteps = 0;
  let lastState = '';
  const deadline = Date.now() + options.maxMs;
  for (;;) {
    const steps = log.steps ?? [];
    for (; sentSteps < steps.length; sentSteps++) send('step', steps[sentSteps]);
    if (log.state !== lastState) {
      lastState = log.state;
      send('state', { globalNo, state: log.state });
    }
    if (TERMINAL.has(log.state)) {
      const { steps: _s, ...summary } = log;
      send('end', summary);
      break;
    }
    if (Date.now() > deadline) {
      send('timeout', { globalNo, state: log.state, statusUrl: `/api/sagas/${encodeURIComponent(globalNo)}` });
      break;
    }
    await new Promise((r) => setTimeout(r, options.pollMs));
    if (closed) return;
    try {
      log = await ms1.getJson<SagaLog>(path, ctx);
    } catch (err) {
      send('error', { code: err instanceof AppError ? err.code : 'INTERNAL' });
      break;
    }
  }
  res.end();
}
