import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestHandler } from 'express';
import cluster from 'node:cluster';
import { clusterMetrics } from './cluster-metrics';

export interface HttpMetrics {
  registry: Registry;
  middleware: RequestHandler;
  handler: RequestHandler;
}

/**
 * Requests by route, method and status, and a latency histogram, in a registry of this app's own
 * (several apps share one process in tests). The route label is the matched route pattern, never
 * the raw path, so ids in URLs cannot blow up the label set.
 */
/**
 * The matched route pattern; for requests that ended before a route matched (401, 503, …) the
 * first path segment; 'unmatched' for 404s, whose paths are whatever a scanner sent.
 */
export function routeLabel(req: import('express').Request, status: number): string {
  // Express types the matched route as `any`.
  const route = req.route as { path?: string | RegExp } | undefined;
  if (route?.path) return `${req.baseUrl}${String(route.path)}`;
  if (status === 404) return 'unmatched';
  return `/${req.originalUrl.split('?')[0].split('/')[1] ?? ''}`;
}

/** `also`: registries of the app's other metrics, served on the same `/metrics`. */
export function createHttpMetrics(appName: string, also: Registry[] = []): HttpMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ app: appName });
  collectDefaultMetrics({ register: registry });
  const labelNames = ['route', 'method', 'status'] as const;
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.once('finish', () => {
      const route = routeLabel(req, res.statusCode);
      const labels = { route, method: req.method, status: String(res.statusCode) };
      requests.inc(labels);
      end(labels);
    });
    next();
  };
  const own = async () => (await Promise.all([registry, ...also].map((r) => r.metrics()))).join('\n');
  // A cluster worker answers for every worker of its instance (lib/http/cluster-metrics.ts); its
  // own figures only if the primary does not answer.
  const clustered = cluster.isWorker && process.send !== undefined;
  if (clustered) clusterMetrics.report([registry, ...also]);
  const handler: RequestHandler = async (_req, res) => {
    const text = clustered ? await clusterMetrics.ask(3000).catch(() => own()) : await own();
    res.type(registry.contentType).send(text);
  };
  return { registry, middleware, handler };
}
