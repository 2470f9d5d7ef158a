import type { BffRuntime } from '../core/runtime/build-bff-runtime';
import type { HttpMetrics } from '../lib/http/metrics';
import type { DocumentedRoute } from '../lib/openapi/api-route';
import { documentedRouter } from '../lib/openapi/documented-router';
import { bffResponses } from './openapi/bff-responses';

/** /healthz: the process runs. /readyz: what it depends on answers. /metrics: Prometheus. */
export function healthRoutes(runtime: BffRuntime, metrics: HttpMetrics, routes: DocumentedRoute[]) {
  const { router, route } = documentedRouter(routes, '');
  route({ method: 'get', path: '/healthz', summary: 'The process runs', public: true, responses: { 200: { description: 'up', schema: bffResponses.health } } }, (_req, res) => {
    res.json({ status: 'ok' });
  });
  const readiness = bffResponses.readiness;
  route({ method: 'get', path: '/readyz', summary: 'What the app depends on answers (Redis, SSO discovery)', public: true, responses: { 200: { description: 'ready', schema: readiness }, 503: { description: 'not ready', schema: readiness } } }, async (_req, res) => {
    const checks = await runtime.checkReady();
    const ready = Object.values(checks).every((c) => c !== 'down');
    res.status(ready ? 200 : 503).set('cache-control', 'no-store').json({ ready, checks });
  });
  route({ method: 'get', path: '/metrics', summary: 'Prometheus metrics', public: true, responses: { 200: { description: 'exposition format', contentType: 'text/plain', schema: bffResponses.text } } }, metrics.handler);
  return router;
}
