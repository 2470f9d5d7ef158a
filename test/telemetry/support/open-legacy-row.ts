import { writeRoutesFile } from '../../proxy/support/legacy-routes-file';
import type { RunningServer } from '../../../lib/http/serve';
import { startLegacyApp } from '../../../sandbox/legacy-app/start-legacy-app';
import { startBffSystem, type BffSystem } from '../../support/system';

/**
 * A BFF system with one public routing-table row, `/legacy/open`, to the legacy stand-in (whose
 * `/echo` answers the headers it got), for the describe block that calls it. Read `.sys` in tests.
 */
export function useOpenLegacyRow(): { readonly sys: BffSystem } {
  let legacy: RunningServer;
  let sys: BffSystem;
  beforeAll(async () => {
    legacy = await startLegacyApp(0);
    const routes = writeRoutesFile([{ path: '/legacy/open', target: '${LEGACY_APP_URL}', timeoutMs: 5_000, auth: 'public' }]);
    sys = await startBffSystem({ pc: { LEGACY_ROUTES_FILE: routes, LEGACY_APP_URL: legacy.url } });
  });
  afterAll(async () => {
    await sys?.close();
    await legacy?.close();
  });
  return {
    get sys() {
      return sys;
    },
  };
}
