import { loadBffConfig, type BffAppName } from '../config/bff-config';
import { ConfigError } from '../config/define-settings';
import { buildBffRuntime, type BffRuntime } from '../core/runtime/build-bff-runtime';
import { serve } from '../lib/http/serve';
import type { Express } from 'express';

/**
 * The only place a BFF process reads its environment, connects and listens. Exits 1 with a
 * readable message on bad configuration or (in production) a missing Redis; drains on SIGINT/SIGTERM.
 */
export async function runBff(app: BffAppName, createApp: (runtime: BffRuntime) => Express): Promise<void> {
  let runtime: BffRuntime;
  try {
    runtime = await buildBffRuntime(loadBffConfig(app));
  } catch (err) {
    console.error(`bff-${app} cannot start: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  const { config, logger } = runtime;
  const server = await serve(createApp(runtime), config.port, config.host);
  logger.info({ url: config.publicUrl, port: server.port }, `bff-${app} ready`);
  // Always printed, whatever the log level: `npm start` and people wait for this line.
  console.log(`bff-${app} ready on ${config.publicUrl}`);
  const stop = async () => {
    logger.info(`bff-${app} stopping`);
    await server.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
