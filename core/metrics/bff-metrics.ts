import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { UpstreamObserver } from '../compose/create-upstream';

export type RefreshOutcome = 'ok' | 'refused' | 'failed';

/** What an operator alerts on in a BFF, beside the HTTP metrics (docs/operations.md#metrics). Served on the app's `/metrics`. */
export interface BffMetrics {
  registry: Registry;
  observeUpstream: UpstreamObserver;
  /** A token refresh at the SSO: renewed, refused (the session ends), or failed (SSO unreachable: 503). */
  tokenRefresh(outcome: RefreshOutcome): void;
}

export function createBffMetrics(app: string, liveSessions?: () => Promise<number>): BffMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ app: `bff-${app}` });
  const upstream = new Histogram({
    name: 'bff_upstream_request_duration_seconds',
    help: 'Calls from the BFF to the contract services, by service, method and outcome (HTTP status or error code)',
    labelNames: ['upstream', 'method', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const refreshes = new Counter({ name: 'bff_token_refreshes_total', help: 'Access-token refreshes at the SSO by outcome (ok, refused: session ended, failed: SSO unreachable)', labelNames: ['outcome'], registers: [registry] });
  for (const outcome of ['ok', 'refused', 'failed']) refreshes.inc({ outcome }, 0);
  if (liveSessions) {
    new Gauge({
      name: 'bff_sessions',
      help: 'Live sessions of this app (its SESSION_PREFIX in Redis: every instance reports the same number)',
      registers: [registry],
      // With BFF_WORKERS > 1 every worker reads the same count: one of them, not their sum.
      aggregator: 'max',
      async collect() {
        // Redis down: NaN (unknown), and the rest of /metrics still answers.
        this.set(await liveSessions().catch(() => Number.NaN));
      },
    });
  }
  return {
    registry,
    observeUpstream: ({ upstream: name, method, outcome, seconds }) => upstream.observe({ upstream: name, method, outcome }, seconds),
    tokenRefresh: (outcome) => refreshes.inc({ outcome }),
  };
}
