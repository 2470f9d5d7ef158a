import type { RequestListener } from 'node:http';
import { loadServiceConfig, type ServiceConfig, type ServiceName } from '../../config/service-config';
import { serve } from '../../lib/http/serve';
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
  deps: ServiceDeps;
  close(): Promise<void>;
}

/** Opens a service's dependencies and listens; used by `main`, the tests and the benchmark. */
export async function startService(service: ServiceDefinition, config: ServiceConfig): Promise<RunningService> {
  const deps = await openServiceDeps(config, service.table, service.migrations);
  let stopWorkers: () => Promise<void> = async () => undefined;
  try {
    stopWorkers = await service.startWorkers(deps);
    const server = await serve(service.createApp(deps), config.port);
    return {
      url: server.url,
      deps,
      close: async () => {
        await server.close();
        await stopWorkers();
        await deps.close();
      },
    };
  } catch (err) {
    await stopWorkers();
    await deps.close();
    throw err;
  }
}

/**
 * The whole of a service's `main`: config, start, a ready line, clean shutdown on SIGINT/SIGTERM.
 * Several services may share one process (`services/main-all.ts`): that is how the in-process
 * event bus connects them when `npm start` has no Redis.
 */
export function main(...services: ServiceDefinition[]): Promise<void> {
  const running: RunningService[] = [];
  let tracing: Tracing | undefined;
  const run = async () => {
    // One tracer provider per process (several services may share it).
    tracing = startTracing(loadTelemetryConfig(services.map((s) => s.name).join('+')));
    for (const service of services) {
      const config = loadServiceConfig(service.name);
      const started = await startService(service, config);
      running.push(started);
      started.deps.logger.info({ url: started.url, db: config.dbKind, cache: Boolean(config.redisUrl), bus: config.eventBus }, '%s ready', service.name);
      console.log(`${service.name} ready on ${started.url} (db ${config.dbKind}, events ${config.eventBus})`);
    }
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      for (const r of running) r.deps.logger.info({ signal }, 'stopping');
      void Promise.all(running.map((r) => r.close()))
        .then(() => tracing?.shutdown())
        .then(() => process.exit(0));
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  };
  return run().catch(async (err: unknown) => {
    console.error(`${services.map((s) => s.name).join(', ')} failed to start: ${err instanceof Error ? err.message : String(err)}`);
    await Promise.all(running.map((r) => r.close().catch(() => undefined)));
    process.exit(1);
  });
}
