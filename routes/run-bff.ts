import cluster from 'node:cluster';
import { loadBffConfig, type BffAppName, type BffConfig } from '../config/bff-config';
import { ConfigError } from '../config/define-settings';
import { buildBffRuntime, type BffRuntime } from '../core/runtime/build-bff-runtime';
import { serve } from '../lib/http/serve';
import { flushLogger } from '../lib/http/logger';
import { superviseWorkers } from '../lib/http/supervise-workers';
import { clusterMetrics } from '../lib/http/cluster-metrics';
import type { Express } from 'express';
import { loadTelemetryConfig } from '../config/telemetry-config';
import { startTracing } from '../lib/telemetry/start-tracing';

const cannotStart = (app: BffAppName, err: unknown): never => {
  console.error(`bff-${app} cannot start: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
};

/**
 * The only place a BFF process reads its environment, connects and listens. Exits 1 with a
 * readable message on bad configuration or (in production) a missing Redis; drains on SIGINT/SIGTERM.
 * With BFF_WORKERS > 1 this process becomes the cluster's primary and each worker runs the app.
 */
export async function runBff(app: BffAppName, createApp: (runtime: BffRuntime) => Express): Promise<void> {
  let config: BffConfig;
  try {
    config = loadBffConfig(app);
  } catch (err) {
    return cannotStart(app, err);
  }
  const clustered = config.workers > 1;
  if (clustered && cluster.isPrimary) {
    // Always printed, whatever the log level: `npm start` and people wait for the ready line.
    clusterMetrics.serve();
    superviseWorkers({ name: `bff-${app}`, workers: config.workers, readyLine: `bff-${app} ready on ${config.publicUrl} (${config.workers} workers)`, log: (line) => console.log(line) });
    return;
  }
  let tracing;
  try {
    tracing = startTracing(loadTelemetryConfig(`bff-${app}`));
  } catch (err) {
    return cannotStart(app, err);
  }
  const runtime = await buildBffRuntime(config).catch((err: unknown) => cannotStart(app, err));
  const { logger } = runtime;
  const server = await serve(createApp(runtime), config.port, config.host);
  logger.info({ url: config.publicUrl, port: server.port }, `bff-${app} ready`);
  if (!clustered) console.log(`bff-${app} ready on ${config.publicUrl}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    logger.info(`bff-${app} stopping`);
    await server.close();
    await runtime.close();
    await tracing.shutdown();
    logger.info(`bff-${app} stopped`);
    // Production logs are written asynchronously: none may be lost at exit.
    await flushLogger(logger);
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // A clustered worker told to go by its primary (rolling restart) drains the same way.
  if (cluster.isWorker) process.once('disconnect', stop);
}
