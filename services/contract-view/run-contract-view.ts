import { loadContractViewConfig, type ContractViewConfig } from '../../config/contract-view-config';
import { createLogger } from '../../lib/http/logger';
import { createLifecycle, type Lifecycle } from '../../lib/http/lifecycle';
import { handleShutdown } from '../../lib/http/graceful-shutdown';
import { startListening, type Started } from '../platform/run-service';
import { createContractViewApp } from './app';
import { startViewConsumer } from './start-view-consumer';
import { openContractViewDeps, type ContractViewDeps } from './view-deps';

export type RunningContractView = Started<ContractViewDeps>;

/**
 * Listens, then opens the view's store and bus and starts its consumer (unless CONSUMER=false),
 * waiting for each with capped backoff while /readyz names what it waits for. Its close stops the
 * consumer (offsets committed) and the lag probe.
 */
export function startContractView(config: ContractViewConfig, lifecycle: Lifecycle = createLifecycle()): Promise<RunningContractView> {
  return startListening(config, lifecycle, {
    open: (logger) => openContractViewDeps(config, logger),
    startWorkers: async (deps) => {
      if (config.consumer) await startViewConsumer(deps);
      // The consumer stops with the view's bus, in its deps' close.
      return async () => undefined;
    },
    createApp: createContractViewApp,
  });
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
