import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { AppError } from '../errors/app-error';
import { sendProblem } from '../errors/problem-handler';

/** What a process tells its probes and its listeners about where it is between start and exit. */
export interface Lifecycle {
  /** A dependency this process waits for (not answering yet), with why: /readyz names it. */
  waitFor(what: string, reason: string): void;
  /** That dependency answers now. */
  done(what: string): void;
  /** The process's own handler, once its dependencies are open; until then other requests get a 503. */
  setApp(app: RequestListener): void;
  /** SIGTERM: from now on /readyz answers 503; requests are still served. */
  startDraining(): void;
  readonly draining: boolean;
  /** Aborted once the process is stopping: retries waiting for a dependency give up. */
  readonly stopping: AbortSignal;
  /** The listener to serve: /readyz is answered here while waiting or draining, the rest goes to the app. */
  handle: RequestListener;
}

const isReadyz = (req: IncomingMessage) => req.url === '/readyz' || req.url?.startsWith('/readyz?');

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * One per process. Listening comes first (so probes get an answer while dependencies come up in
 * any order); readiness stays 503 and names what is awaited until the app is set and nothing is
 * awaited; on SIGTERM it turns 503 again at once, before the process stops accepting.
 */
export function createLifecycle(): Lifecycle {
  const waiting = new Map<string, string>();
  const stopping = new AbortController();
  let app: RequestListener | undefined;
  let draining = false;
  const lifecycle: Lifecycle = {
    waitFor: (what, reason) => void waiting.set(what, reason),
    done: (what) => void waiting.delete(what),
    setApp: (next) => void (app = next),
    startDraining: () => {
      draining = true;
      stopping.abort();
    },
    get draining() {
      return draining;
    },
    stopping: stopping.signal,
    handle: (req, res) => {
      // Draining: each answer is its connection's last, so a keep-alive client takes its next
      // request elsewhere (or to a new connection) before the listener closes under it.
      if (draining) res.shouldKeepAlive = false;
      const ready = app !== undefined && waiting.size === 0 && !draining;
      if (isReadyz(req) && !ready) {
        return sendJson(res, 503, { ready: false, draining, starting: app === undefined, waitingFor: Object.fromEntries(waiting) });
      }
      if (app) return app(req, res);
      if (req.url === '/healthz') return sendJson(res, 200, { status: 'starting', waitingFor: Object.fromEntries(waiting) });
      const what = [...waiting.keys()].join(', ');
      sendProblem(res, new AppError('NOT_READY', what ? `Starting: waiting for ${what}` : undefined), req.url?.split('?')[0]);
    },
  };
  return lifecycle;
}
