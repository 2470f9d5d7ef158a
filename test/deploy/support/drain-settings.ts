/**
 * Every process of the system, with the prefix of its settings and its main port: what the image,
 * compose and the Kubernetes manifests must each cover. The drain settings are
 * `<prefix>SHUTDOWN_DELAY_MS`, `<prefix>SHUTDOWN_GRACE_MS` and `<prefix>ADMIN_PORT`.
 */
export const PROCESSES = [
  { name: 'bff-pc', prefix: '', port: 3000, script: 'dist/bff-pc/main.js' },
  { name: 'bff-mobile', prefix: '', port: 3001, script: 'dist/bff-mobile/main.js' },
  { name: 'ppon', prefix: 'PPON_', port: 8081, script: 'dist/services/ppon/main.js' },
  { name: 'inetaplca', prefix: 'INETAPLCA_', port: 8082, script: 'dist/services/inetaplca/main.js' },
  { name: 'intelnet', prefix: 'INTELNET_', port: 8083, script: 'dist/services/intelnet/main.js' },
  { name: 'contract-view', prefix: 'CONTRACT_VIEW_', port: 8084, script: 'dist/services/contract-view/main.js' },
] as const;

/** The production defaults of the drain (routes/run-bff.ts, services/platform/run-service.ts). */
export const DRAIN_DEFAULTS = { delayMs: 5000, graceMs: 20000 };

/** Seconds of "30s", "1m30s", "250ms" (compose durations). */
export function seconds(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(n) * { ms: 0.001, s: 1, m: 60, h: 3600 }[unit as 'ms' | 's' | 'm' | 'h'];
  return total;
}
