import type { Lifecycle } from './lifecycle';

export interface ShutdownOptions {
  /** Every lifecycle of the process (several services may share one): all turn not-ready at once. */
  lifecycles: Lifecycle[];
  /** Readiness is 503 and the process keeps serving this long (endpoints drop it meanwhile). */
  delayMs: number;
  /** Then everything in `stop` must be done within this; past it (plus a margin) the process exits 1. */
  graceMs: number;
  log: (line: string) => void;
  /** Stops accepting and finishes what is in flight, within `graceMs`. */
  stop: (graceMs: number) => Promise<void>;
  /** Runs after `stop`, whatever happened (log flush); then the process exits. */
  finally?: () => Promise<void>;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * SIGTERM (and SIGINT) the way an orchestrator expects it: readiness 503 at once, serve on for
 * `delayMs`, stop accepting and drain within `graceMs`, exit 0 (1 if the grace ran out). A second
 * signal during the delay skips the rest of it. Returns the drain, for a caller with another
 * trigger (a clustered worker told to go by its primary, which needs no delay).
 */
/** The drains of this process: several apps may share one (services/main-all.ts); it exits after the last. */
const drains: Promise<number>[] = [];

export function handleShutdown(options: ShutdownOptions): (why: string, delayMs?: number) => Promise<void> {
  const { lifecycles, graceMs, log } = options;
  const hurry = new AbortController();
  let running: Promise<void> | undefined;
  const drain = (why: string, delayMs = options.delayMs) =>
    (running ??= (async () => {
      const mine = (async () => {
        for (const lifecycle of lifecycles) lifecycle.startDraining();
        log(`${why}: readiness is 503 now; serving ${delayMs} ms more, then draining within ${graceMs} ms`);
        await sleep(delayMs, hurry.signal);
        const hard = setTimeout(() => {
          log(`drain not finished after ${graceMs} ms; exiting anyway`);
          process.exit(1);
        }, graceMs + 1_000);
        hard.unref();
        try {
          await options.stop(graceMs);
          return 0;
        } catch (err) {
          log(`drain failed: ${err instanceof Error ? err.message : String(err)}`);
          return 1;
        } finally {
          await options.finally?.().catch(() => undefined);
        }
      })();
      drains.push(mine);
      await mine;
      const codes = await Promise.all(drains);
      process.exit(Math.max(...codes));
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    if (running) return hurry.abort();
    void drain(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return drain;
}
