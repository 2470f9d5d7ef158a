import type { Express } from 'express';
import { Gauge } from 'prom-client';
import { AppError } from '../../lib/errors/app-error';
import { createServiceApp } from '../platform/http/create-service-app';
import type { ContractViewDeps } from './view-deps';
import type { ViewLag } from './view-lag';
import { contractViewRoutes } from './view-routes';

/**
 * The contract view (docs/source-design.md#cqrs-the-read-side): the query side of the contract screens, behind the same
 * skeleton as the three services (JWT, policy, problems, probes). /readyz and /metrics report the
 * lag read from the broker; lag makes it not ready only past CONTRACT_VIEW_MAX_LAG_SECONDS.
 */
export function createContractViewApp(deps: ContractViewDeps): Express {
  let last: { at: number; lag: Promise<ViewLag> } | undefined;
  /** One broker round trip per scrape, however many gauges ask. */
  const lagNow = () => {
    if (!last || Date.now() - last.at > 250) last = { at: Date.now(), lag: deps.lag.measure() };
    return last.lag;
  };
  return createServiceApp({
    name: 'contract-view',
    logger: deps.logger,
    database: deps.database,
    auth: { verifier: deps.verifier, kind: 'view' },
    routers: (routes) => [contractViewRoutes(deps.store, deps.lag, routes)],
    addMetrics: (registry) => {
      registry.registerMetric(deps.applied);
      new Gauge({
        name: 'contract_view_lag_events',
        help: 'Contract change events published and not yet applied by the view (-1: cannot be measured)',
        registers: [registry],
        async collect() {
          this.set((await lagNow()).events ?? -1);
        },
      });
      new Gauge({
        name: 'contract_view_lag_seconds',
        help: 'Age of the oldest contract change not yet applied by the view (0: none; -1: cannot be measured)',
        registers: [registry],
        async collect() {
          this.set((await lagNow()).seconds ?? -1);
        },
      });
    },
    readiness: async () => {
      const lag = await lagNow();
      const max = deps.config.maxLagSeconds;
      if (max > 0 && lag.seconds !== null && lag.seconds > max) throw new AppError('VIEW_BEHIND', `The view is ${lag.seconds.toFixed(1)} s behind (allowed ${max} s)`, { lag });
      return { consumer: deps.config.consumer, bus: deps.config.eventBus, lag };
    },
  });
}
