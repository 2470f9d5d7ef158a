import cluster, { type Worker } from 'node:cluster';

export interface WorkerPoolOptions {
  /** Printed in every line, e.g. `bff-pc`. */
  name: string;
  workers: number;
  /** Printed once every worker listens (the line `npm start` and people wait for). */
  readyLine: string;
  log: (line: string) => void;
  /** How long a stopping worker may take (its drain) before it is killed. */
  stopGraceMs?: number;
}

const MAX_BACKOFF_MS = 30_000;
const DEFAULT_STOP_GRACE_MS = 10_000;

/**
 * The primary of a clustered app: forks the workers (they share the listening port), replaces one
 * that dies with a backoff that grows while crashes come quickly, restarts them one at a time on
 * SIGHUP (a replacement listens before the old one drains, so no request finds the port closed),
 * and on SIGINT/SIGTERM passes the signal on (each worker drains: readiness 503, delay, grace) and
 * exits once they all have.
 */
export function superviseWorkers(options: WorkerPoolOptions): void {
  const { name, log } = options;
  const stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  const retiring = new Set<Worker>();
  let stopping = false;
  let crashes: number[] = [];

  const fork = () =>
    new Promise<Worker>((resolve) => {
      const worker = cluster.fork();
      worker.once('listening', () => {
        log(`${name} worker ${worker.process.pid} ready`);
        resolve(worker);
      });
      worker.once('exit', (code, signal) => onExit(worker, code, signal));
    });

  const onExit = (worker: Worker, code: number | null, signal: string | null) => {
    if (stopping || retiring.delete(worker)) return;
    const now = Date.now();
    crashes = [...crashes.filter((t) => now - t < 60_000), now];
    const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** (crashes.length - 1));
    log(`${name} worker ${worker.process.pid} died (${signal ?? `exit ${code}`}); crash ${crashes.length} in the last minute, replacing it in ${delay} ms`);
    setTimeout(() => void (stopping ? undefined : fork()), delay).unref();
  };

  const rollingRestart = async () => {
    log(`${name} SIGHUP: restarting workers one at a time`);
    for (const old of Object.values(cluster.workers ?? {})) {
      if (!old || stopping) continue;
      await fork();
      retiring.add(old);
      // disconnect(), not a signal: the primary stops handing it connections first, then the
      // worker closes its server, drains, and exits (see runBff).
      old.disconnect();
      const kill = setTimeout(() => old.process.kill('SIGKILL'), stopGraceMs);
      await new Promise((resolve) => (old.isDead() ? resolve(undefined) : old.once('exit', resolve)));
      clearTimeout(kill);
    }
    log(`${name} rolling restart done`);
  };

  const stop = () => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w));
    for (const w of workers) w.process.kill('SIGTERM');
    setTimeout(() => {
      for (const w of workers) if (!w.isDead()) w.process.kill('SIGKILL');
      process.exit(0);
    }, stopGraceMs).unref();
    void Promise.all(workers.map((w) => new Promise((r) => (w.isDead() ? r(undefined) : w.once('exit', r))))).then(() => process.exit(0));
  };

  process.on('SIGHUP', () => void rollingRestart());
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  void Promise.all(Array.from({ length: options.workers }, fork)).then(() => log(options.readyLine));
}
