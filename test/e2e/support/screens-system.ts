import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dropTestData, type ThreeServices } from '../../services/support/service-harness';
import { startSystemWithServices, type BffSystem } from '../../support/system';
import { testPrefix } from '../../support/bff';
import { startLegacyApp } from '../../../sandbox/legacy-app/start-legacy-app';
import type { RunningServer } from '../../../lib/http/serve';

export interface ScreensSystem {
  sys: BffSystem;
  services: ThreeServices;
  close(): Promise<void>;
}

/**
 * Everything a user of the screens reaches: the dev SSO, both BFFs (serving the built screens),
 * the three contract services and the legacy-app stand-in — real processes and ports, port 0.
 * `extraEnv` adds BFF settings (both apps).
 */
export async function startScreensSystem(extraEnv: Record<string, string> = {}): Promise<ScreensSystem> {
  const legacy: RunningServer = await startLegacyApp(0);
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-files-'));
  const env = {
    LEGACY_APP_URL: legacy.url,
    FILES_DIR: filesDir,
    FILES_PREFIX: `${testPrefix}files:`,
    DRILLS_ALLOWED: 'true',
    // Every screen shows what the services hold now (the partial-data test stops a service).
    COMPOSE_CACHE_SECONDS: '0',
    ...extraEnv,
  };
  const { sys, services, close: closeSystem } = await startSystemWithServices({ env });
  return {
    sys,
    services,
    close: async () => {
      await closeSystem(); // both apps, the contract view and the services
      await legacy.close();
      await dropTestData();
      fs.rmSync(filesDir, { recursive: true, force: true });
    },
  };
}
