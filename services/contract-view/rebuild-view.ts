import { CONTRACT_SOURCES, type ContractChanged, type ContractSource } from '../platform/events/contract-change-events';
import type { ContractViewDeps } from './view-deps';

const PAGE = 100;
const OWN_KEY: Record<ContractSource, string> = { ppon: 'saPponContNo', inetaplca: 'saInetaplcaContNo', intelnet: 'saIntelnetContNo' };

export interface RebuildReport {
  rows: Record<ContractSource, number>;
  applied: number;
  stale: number;
}

/**
 * Rebuild by backfill: pages every row of the three services (deleted ones too) over HTTP with the
 * view's service token and applies each as the change it is (its `chgNo` is its version), through
 * the same version check as the consumer. So a rebuild equals the incremental view, and changes
 * consumed meanwhile are never overwritten by an older page. Offset pages newest first: a row
 * added during the walk shifts the rest later, so rows may be seen twice, never missed.
 */
export async function rebuildView(deps: ContractViewDeps, urls: Record<ContractSource, string>, options: { fromScratch: boolean }): Promise<RebuildReport> {
  if (options.fromScratch) await deps.store.clear();
  const report: RebuildReport = { rows: { ppon: 0, inetaplca: 0, intelnet: 0 }, applied: 0, stale: 0 };
  for (const source of CONTRACT_SOURCES) {
    for (let page = 1; ; page++) {
      const token = await deps.serviceToken.token();
      const response = await fetch(`${urls[source]}/cont?page=${page}&size=${PAGE}&includeDeleted=true`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'x-global-no': `view-rebuild-${Date.now()}` },
        signal: AbortSignal.timeout(30_000),
      });
      if (!response.ok) throw new Error(`${source} answered ${response.status} to page ${page}: ${(await response.text()).slice(0, 200)}`);
      const { items } = (await response.json()) as { items: Record<string, unknown>[] };
      for (const row of items) {
        const change: ContractChanged = { source, saPponContNo: Number(row.saPponContNo), no: Number(row[OWN_KEY[source]]), version: Number(row.chgNo ?? 0), changedAt: new Date().toISOString(), row };
        if (!Number.isInteger(change.saPponContNo) || change.saPponContNo < 1) continue;
        report.rows[source]++;
        report[await deps.store.apply(change)]++;
      }
      if (items.length < PAGE) break;
    }
  }
  return report;
}
