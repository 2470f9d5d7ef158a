import cluster from 'node:cluster';
import { loadBffConfig, type BffAppName, type BffConfig } from '../config/bff-config';
import { ConfigError } from '../config/define-settings';
import { buildBffRuntime, type BffRuntime } from '../core/runtime/build-bff-runtime';
import { serve, type RunningServer } from '../lib/http/serve';
import { createLogger, flushLogger } from '../lib/http/logger';
import { superviseWorkers } from '../lib/http/supervise-workers';
import { createLifecycle } from '../lib/http/lifecycle';
import { handleShutdown } from '../lib/http/graceful-shutdown';
import { retryUntilReady, StoppedWhileWaiting, WaitingFor } from '../lib/http/retry-until-ready';
import { splitAdminPaths } from '../lib/http/split-admin-paths';
import { clusterMetrics } from '../lib/http/cluster-metrics';
import type { Express } from 'express';
import { loadTelemetryConfig } from '../config/telemetry-config';
import { startTracing } from '../lib/telemetry/start-tracing';
import { assertWritableDir } from '../lib/fs/assert-writable-dir';

const cannotStart = (app: BffAppName, err: unknown): never => {
  console.error(`bff-${app} cannot start: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
};

/**
 * The only place a BFF process reads its environment, connects and listens. Exits 1 with a
 * readable message on bad configuration; listens at once and waits for Redis when sessions must be
 * there (readiness 503 naming it meanwhile); drains on SIGINT/SIGTERM (docs/operations.md).
 * With BFF_WORKERS > 1 this process becomes the cluster's primary and each worker runs the app.
 */
export async function runBff(app: BffAppName, createApp: (runtime: BffRuntime) => Express): Promise<void> {
  let config: BffConfig;
  try {
    config = loadBffConfig(app);
    // Here, before any worker is forked: a primary would otherwise replace failing workers forever.
    assertWritableDir('FILES_DIR', config.filesDir);
  } catch (err) {
    return cannotStart(app, err);
  }
  const clustered = config.workers > 1;
  if (clustered && cluster.isPrimary) {
    // Always printed, whatever the log level: `npm start` and people wait for the ready line.
    clusterMetrics.serve();
    superviseWorkers({
      name: `bff-${app}`,
      workers: config.workers,
      readyLine: `bff-${app} ready on ${config.publicUrl} (${config.workers} workers)`,
      log: (line) => console.log(line),
      // Each worker drains on its own (delay, then grace); the primary waits that long, and a margin.
      stopGraceMs: config.shutdownDelayMs + config.shutdownGraceMs + 2_000,
    });
    return;
  }
  let tracing;
  try {
    tracing = startTracing(loadTelemetryConfig(`bff-${app}`));
  } catch (err) {
    return cannotStart(app, err);
  }
  const logger = createLogger({ name: `bff-${app}`, level: config.logLevel, sync: !config.production });
  const lifecycle = createLifecycle();
  let servers: RunningServer[] = [];
  let runtime: BffRuntime | undefined;
  const drain = handleShutdown({
    lifecycles: [lifecycle],
    delayMs: config.shutdownDelayMs,
    graceMs: config.shutdownGraceMs,
    log: (line) => logger.info(`bff-${app} ${line}`),
    stop: async (graceMs) => {
      await Promise.all(servers.map((s) => s.close(graceMs)));
      await runtime?.close();
      await tracing.shutdown();
      logger.info(`bff-${app} stopped`);
    },
    // Production logs are written asynchronously: none may be lost at exit.
    finally: () => flushLogger(logger),
  });
  // A clustered worker told to go by its primary (rolling restart) drains the same way; the
  // primary no longer hands it connections, so there is nothing to wait for first.
  if (cluster.isWorker) process.once('disconnect', () => void drain('disconnected by the primary', 0));

  const listen = async () => {
    const split = config.adminPort === undefined ? undefined : splitAdminPaths(lifecycle.handle);
    const main = await serve(split?.main ?? lifecycle.handle, config.port, config.host).catch((err: unknown) => cannotStart(app, err));
    const admin = split && (await serve(split.admin, config.adminPort!, config.host).catch((err: unknown) => cannotStart(app, err)));
    servers = admin ? [main, admin] : [main];
    return { main, admin };
  };
  // One process listens first, so its /readyz names what it waits for. A cluster worker listens
  // only once it can serve: the primary hands a listening worker connections at once (and a rolling
  // restart retires the old worker as soon as the new one listens).
  let listening = cluster.isWorker ? undefined : await listen();
  try {
    runtime = await retryUntilReady('redis', () => buildBffRuntime(config, logger), {
      lifecycle,
      log: (fields, message) => logger.warn(fields, `bff-${app} ${message}`),
      retryIf: (err) => err instanceof WaitingFor,
    });
  } catch (err) {
    if (err instanceof StoppedWhileWaiting) return;
    return cannotStart(app, err);
  }
  lifecycle.setApp(createApp(runtime));
  listening ??= await listen();
  const { main, admin } = listening;
  logger.info({ url: config.publicUrl, port: main.port, adminPort: admin?.port }, `bff-${app} ready`);
  if (!clustered) console.log(`bff-${app} ready on ${config.publicUrl}${admin ? ` (admin port ${admin.port})` : ''}`);
}
