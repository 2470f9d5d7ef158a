import { loadContractViewConfig, type ContractViewConfig } from '../../config/contract-view-config';
import { createLogger } from '../../lib/http/logger';
import { createLifecycle, type Lifecycle } from '../../lib/http/lifecycle';
import { handleShutdown } from '../../lib/http/graceful-shutdown';
import { retryUntilReady, WaitingFor } from '../../lib/http/retry-until-ready';
import { listenFor } from '../platform/run-service';
import { createContractViewApp } from './app';
import { startViewConsumer } from './start-view-consumer';
import { openContractViewDeps, type ContractViewDeps } from './view-deps';

export interface RunningContractView {
  url: string;
  adminUrl?: string;
  deps: ContractViewDeps;
  close(graceMs?: number): Promise<void>;
}

/**
 * Listens, then opens the view's store and bus and starts its consumer (unless CONSUMER=false),
 * waiting for each with capped backoff while /readyz names what it waits for.
 */
export async function startContractView(config: ContractViewConfig, lifecycle: Lifecycle = createLifecycle()): Promise<RunningContractView> {
  const logger = createLogger({ name: config.name, level: config.logLevel });
  const servers = await listenFor(lifecycle.handle, config.port, config.adminPort);
  const closeServers = (graceMs?: number) => Promise.all([servers.main.close(graceMs), servers.admin?.close(graceMs)]);
  const deps = await retryUntilReady(
    'database',
    async () => {
      const opened = await openContractViewDeps(config, logger).catch((err: unknown) => Promise.reject(new WaitingFor(`database (${config.dbKind})`, err)));
      try {
        if (config.consumer) await startViewConsumer(opened);
        return opened;
      } catch (err) {
        await opened.close().catch(() => undefined);
        throw new WaitingFor(`event bus (${config.eventBus})`, err);
      }
    },
    { lifecycle, log: (fields, message) => logger.warn(fields, message) },
  ).catch(async (err: unknown) => {
    await closeServers(0);
    throw err;
  });
  lifecycle.setApp(createContractViewApp(deps));
  return {
    url: servers.main.url,
    adminUrl: servers.admin?.url,
    deps,
    close: async (graceMs?: number) => {
      await closeServers(graceMs);
      // Stops the consumer (its offsets committed) and the lag probe.
      await deps.close();
    },
  };
}

/** The view's `main`: config, start, a ready line, graceful drain on SIGTERM/SIGINT. */
export function mainContractView(): void {
  let running: RunningContractView | undefined;
  const lifecycle = createLifecycle();
  const run = async () => {
    const config = loadContractViewConfig();
    const log = createLogger({ name: config.name, level: config.logLevel });
    handleShutdown({ lifecycles: [lifecycle], delayMs: config.shutdownDelayMs, graceMs: config.shutdownGraceMs, log: (line) => log.info(line), stop: async (graceMs) => running?.close(graceMs) });
    running = await startContractView(config, lifecycle);
    running.deps.logger.info({ url: running.url, adminUrl: running.adminUrl, db: config.dbKind, bus: config.eventBus, consumer: config.consumer }, 'contract-view ready');
    console.log(`contract-view ready on ${running.url} (db ${config.dbKind}, events ${config.eventBus}${config.consumer ? '' : ', consumer off'}${running.adminUrl ? `, admin ${running.adminUrl}` : ''})`);
  };
  run().catch(async (err: unknown) => {
    if (lifecycle.stopping.aborted) return; // stopped while waiting: the drain exits
    console.error(`contract-view failed to start: ${err instanceof Error ? err.message : String(err)}`);
    await running?.close(0).catch(() => undefined);
    process.exit(1);
  });
}
