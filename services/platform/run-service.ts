import type { RequestListener } from 'node:http';
import { loadServiceConfig, type ServiceConfig, type ServiceName } from '../../config/service-config';
import { serve, type RunningServer } from '../../lib/http/serve';
import { createLogger } from '../../lib/http/logger';
import { createLifecycle, type Lifecycle } from '../../lib/http/lifecycle';
import { handleShutdown } from '../../lib/http/graceful-shutdown';
import { retryUntilReady, WaitingFor } from '../../lib/http/retry-until-ready';
import { splitAdminPaths } from '../../lib/http/split-admin-paths';
import { loadTelemetryConfig } from '../../config/telemetry-config';
import { startTracing, type Tracing } from '../../lib/telemetry/start-tracing';
import type { Migrations } from './db/run-migrations';
import type { ContractTable } from './contracts/contract-table';
import { openServiceDeps, type ServiceDeps } from './service-deps';

export interface ServiceDefinition {
  name: ServiceName;
  table: ContractTable;
  migrations: Migrations;
  createApp(deps: ServiceDeps): RequestListener;
  /** Starts the service's event consumers (and MS1's sweeper); the answer stops what the bus does not. */
  startWorkers(deps: ServiceDeps): Promise<() => Promise<void>>;
}

export interface RunningService {
  url: string;
  /** The operator listener (`<SERVICE>_ADMIN_PORT`), when there is one. */
  adminUrl?: string;
  deps: ServiceDeps;
  /** Stops accepting, finishes calls in flight within `graceMs`, stops consumers, relay and sweeper. */
  close(graceMs?: number): Promise<void>;
}

/** The main listener and, with an admin port, the operator one; both answer while the process starts. */
export async function listenFor(handle: RequestListener, port: number, adminPort: number | undefined): Promise<{ main: RunningServer; admin?: RunningServer }> {
  if (adminPort === undefined) return { main: await serve(handle, port) };
  const split = splitAdminPaths(handle);
  const main = await serve(split.main, port);
  return { main, admin: await serve(split.admin, adminPort).catch(async (err: unknown) => {
    await main.close(0);
    throw err;
  }) };
}

/**
 * Opens a service's dependencies and listens; used by `main`, the tests and the benchmark. It
 * listens first and waits for what it depends on (database, bus) with capped backoff, its
 * /readyz naming what it waits for, so the system comes up in any order.
 */
export async function startService(service: ServiceDefinition, config: ServiceConfig, lifecycle: Lifecycle = createLifecycle()): Promise<RunningService> {
  const logger = createLogger({ name: config.name, level: config.logLevel });
  const servers = await listenFor(lifecycle.handle, config.port, config.adminPort);
  const closeServers = (graceMs?: number) => Promise.all([servers.main.close(graceMs), servers.admin?.close(graceMs)]);
  let opened: { deps: ServiceDeps; stopWorkers: () => Promise<void> };
  try {
    opened = await retryUntilReady(
      'database',
      async () => {
        const deps = await openServiceDeps(config, service.table, service.migrations, logger).catch((err: unknown) => Promise.reject(new WaitingFor(`database (${config.dbKind})`, err)));
        try {
          return { deps, stopWorkers: await service.startWorkers(deps) };
        } catch (err) {
          await deps.close().catch(() => undefined);
          throw new WaitingFor(`event bus (${config.eventBus})`, err);
        }
      },
      { lifecycle, log: (fields, message) => logger.warn(fields, message) },
    );
  } catch (err) {
    await closeServers(0);
    throw err;
  }
  const { deps, stopWorkers } = opened;
  lifecycle.setApp(service.createApp(deps));
  return {
    url: servers.main.url,
    adminUrl: servers.admin?.url,
    deps,
    close: async (graceMs?: number) => {
      await closeServers(graceMs);
      await stopWorkers();
      await deps.close();
    },
  };
}

/**
 * The whole of a service's `main`: config, start, a ready line, graceful drain on SIGTERM/SIGINT.
 * Several services may share one process (`services/main-all.ts`): that is how the in-process
 * event bus connects them when `npm start` has no Redis.
 */
export function main(...services: ServiceDefinition[]): Promise<void> {
  const running: RunningService[] = [];
  let tracing: Tracing | undefined;
  // Each service of a shared process has its own listeners, so its own lifecycle.
  const lifecycles = services.map(() => createLifecycle());
  const run = async () => {
    const configs = services.map((s) => loadServiceConfig(s.name));
    const log = createLogger({ name: services.map((s) => s.name).join('+'), level: configs[0].logLevel });
    // One tracer provider per process (several services may share it).
    tracing = startTracing(loadTelemetryConfig(services.map((s) => s.name).join('+')));
    handleShutdown({
      lifecycles,
      delayMs: Math.max(...configs.map((c) => c.shutdownDelayMs)),
      graceMs: Math.max(...configs.map((c) => c.shutdownGraceMs)),
      log: (line) => log.info(line),
      stop: async (graceMs) => void (await Promise.all(running.map((r) => r.close(graceMs)))),
      finally: async () => void (await tracing?.shutdown()),
    });
    for (const [i, service] of services.entries()) {
      const config = configs[i];
      const started = await startService(service, config, lifecycles[i]);
      running.push(started);
      started.deps.logger.info({ url: started.url, adminUrl: started.adminUrl, db: config.dbKind, cache: Boolean(config.redisUrl), bus: config.eventBus }, '%s ready', service.name);
      console.log(`${service.name} ready on ${started.url} (db ${config.dbKind}, events ${config.eventBus}${started.adminUrl ? `, admin ${started.adminUrl}` : ''})`);
    }
  };
  return run().catch(async (err: unknown) => {
    if (lifecycles[0].stopping.aborted) return; // stopped while waiting: the drain exits
    console.error(`${services.map((s) => s.name).join(', ')} failed to start: ${err instanceof Error ? err.message : String(err)}`);
    await Promise.all(running.map((r) => r.close(0).catch(() => undefined)));
    process.exit(1);
  });
}
