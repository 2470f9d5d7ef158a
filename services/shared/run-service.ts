import type { RequestListener } from 'node:http';
import { loadServiceConfig, type ServiceConfig, type ServiceName } from '../../config/service-config';
import { serve } from '../../lib/http/serve';
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

/** The whole of a service's `main`: config, start, a ready line, clean shutdown on SIGINT/SIGTERM. */
export function main(service: ServiceDefinition): void {
  const run = async () => {
    const config = loadServiceConfig(service.name);
    const running = await startService(service, config);
    running.deps.logger.info({ url: running.url, db: config.dbKind, cache: Boolean(config.redisUrl) }, '%s ready', service.name);
    console.log(`${service.name} ready on ${running.url} (db ${config.dbKind})`);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      running.deps.logger.info({ signal }, '%s stopping', service.name);
      void running.close().then(() => process.exit(0));
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  };
  run().catch((err: unknown) => {
    console.error(`${service.name} failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
