import { Router } from 'express';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';
import type { HttpMetrics } from '../lib/http/metrics';

/** /healthz: the process runs. /readyz: what it depends on answers. /metrics: Prometheus. */
export function healthRoutes(runtime: BffRuntime, metrics: HttpMetrics): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = await runtime.checkReady();
    const ready = Object.values(checks).every((c) => c !== 'down');
    res.status(ready ? 200 : 503).set('cache-control', 'no-store').json({ ready, checks });
  });
  router.get('/metrics', metrics.handler);
  return router;
}
