/**
 * `npm run view:rebuild [-- --keep]`: rebuilds the contract view from the three services (docs/services.md#the-contract-view).
 * Reads the view's settings (`CONTRACT_VIEW_…`: its store, the services' URLs, its SSO client);
 * `--keep` backfills over the rows already there instead of starting from an empty table. Safe
 * while the view runs: its consumer and the backfill go through the same version check.
 */
import { loadContractViewConfig } from '../config/contract-view-config';
import { openContractViewDeps } from '../services/contract-view/view-deps';
import { rebuildView } from '../services/contract-view/rebuild-view';

async function run() {
  const config = loadContractViewConfig();
  const deps = await openContractViewDeps(config);
  try {
    const started = Date.now();
    const report = await rebuildView(deps, { ppon: config.pponUrl, inetaplca: config.inetaplcaUrl, intelnet: config.intelnetUrl }, { fromScratch: !process.argv.includes('--keep') });
    console.log(`contract view rebuilt in ${Date.now() - started} ms: rows ppon ${report.rows.ppon}, inetaplca ${report.rows.inetaplca}, intelnet ${report.rows.intelnet}; applied ${report.applied}, already current ${report.stale}`);
  } finally {
    await deps.close();
  }
}

run().catch((err: unknown) => {
  console.error(`view rebuild failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
