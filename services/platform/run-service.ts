import type { RequestListener } from 'node:http';
import { loadServiceConfig, type ServiceConfig, type ServiceName } from '../../config/service-config';
import { serve, type RunningServer } from '../../lib/http/serve';
import { createLogger, type Logger } from '../../lib/http/logger';
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

/** A service listening; its close stops consumers, relay and sweeper too. */
export type RunningService = Started<ServiceDeps>;

/** The main listener and, with an admin port, the operator one; both answer while the process starts. */
async function listenFor(handle: RequestListener, port: number, adminPort: number | undefined): Promise<{ main: RunningServer; admin?: RunningServer }> {
  if (adminPort === undefined) return { main: await serve(handle, port) };
  const split = splitAdminPaths(handle);
  const main = await serve(split.main, port);
  return { main, admin: await serve(split.admin, adminPort).catch(async (err: unknown) => {
    await main.close(0);
    throw err;
  }) };
}

/** A process of ours that listens, with what it opened; `close` drains it. */
export interface Started<D> {
  url: string;
  /** The operator listener (`…_ADMIN_PORT`), when there is one. */
  adminUrl?: string;
  deps: D;
  /** Stops accepting, finishes calls in flight within `graceMs`, stops its workers, closes what it opened. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Listens first, then opens what the process depends on and starts its workers, waiting for each
 * with capped backoff while /readyz names what it waits for (`database (…)`, then `event bus (…)`),
 * so a system comes up in any order. The services and the contract view start this way.
 */
export async function startListening<D extends { close(): Promise<void> }>(
  config: { name: string; logLevel: string; port: number; adminPort?: number; dbKind: string; eventBus: string },
  lifecycle: Lifecycle,
  options: {
    open(logger: Logger): Promise<D>;
    /** Starts the workers (consumers, sweepers); the answer stops them. */
    startWorkers(deps: D): Promise<() => Promise<void>>;
    createApp(deps: D): RequestListener;
  },
): Promise<Started<D>> {
  const logger = createLogger({ name: config.name, level: config.logLevel });
  // What /readyz names while each is awaited.
  const waitingFor = { database: `database (${config.dbKind})`, bus: `event bus (${config.eventBus})` };
  const servers = await listenFor(lifecycle.handle, config.port, config.adminPort);
  const closeServers = (graceMs?: number) => Promise.all([servers.main.close(graceMs), servers.admin?.close(graceMs)]);
  let opened: { deps: D; stopWorkers: () => Promise<void> };
  try {
    opened = await retryUntilReady(
      'database',
      async () => {
        const deps = await options.open(logger).catch((err: unknown) => Promise.reject(new WaitingFor(waitingFor.database, err)));
        try {
          return { deps, stopWorkers: await options.startWorkers(deps) };
        } catch (err) {
          await deps.close().catch(() => undefined);
          throw new WaitingFor(waitingFor.bus, err);
        }
      },
      { lifecycle, log: (fields, message) => logger.warn(fields, message) },
    );
  } catch (err) {
    await closeServers(0);
    throw err;
  }
  const { deps, stopWorkers } = opened;
  lifecycle.setApp(options.createApp(deps));
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

/** Opens a service's dependencies and listens; used by `main`, the tests and the benchmark. */
export function startService(service: ServiceDefinition, config: ServiceConfig, lifecycle: Lifecycle = createLifecycle()): Promise<RunningService> {
  return startListening(config, lifecycle, {
    open: (logger) => openServiceDeps(config, service.table, service.migrations, logger),
    startWorkers: (deps) => service.startWorkers(deps),
    createApp: (deps) => service.createApp(deps),
  });
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
