import { loadContractViewConfig, type ContractViewConfig } from '../../config/contract-view-config';
import { serve } from '../../lib/http/serve';
import { createContractViewApp } from './app';
import { startViewConsumer } from './start-view-consumer';
import { openContractViewDeps, type ContractViewDeps } from './view-deps';

export interface RunningContractView {
  url: string;
  deps: ContractViewDeps;
  close(): Promise<void>;
}

/** Opens the view's store and bus, starts its consumer (unless CONSUMER=false) and listens. */
export async function startContractView(config: ContractViewConfig): Promise<RunningContractView> {
  const deps = await openContractViewDeps(config);
  try {
    if (config.consumer) await startViewConsumer(deps);
    const server = await serve(createContractViewApp(deps), config.port);
    return {
      url: server.url,
      deps,
      close: async () => {
        await server.close();
        await deps.close();
      },
    };
  } catch (err) {
    await deps.close();
    throw err;
  }
}

/** The view's `main`: config, start, a ready line, clean shutdown on SIGINT/SIGTERM. */
export function mainContractView(): void {
  let running: RunningContractView | undefined;
  const run = async () => {
    const config = loadContractViewConfig();
    running = await startContractView(config);
    running.deps.logger.info({ url: running.url, db: config.dbKind, bus: config.eventBus, consumer: config.consumer }, 'contract-view ready');
    console.log(`contract-view ready on ${running.url} (db ${config.dbKind}, events ${config.eventBus}${config.consumer ? '' : ', consumer off'})`);
    const stop = () => void running?.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  };
  run().catch(async (err: unknown) => {
    console.error(`contract-view failed to start: ${err instanceof Error ? err.message : String(err)}`);
    await running?.close().catch(() => undefined);
    process.exit(1);
  });
}
