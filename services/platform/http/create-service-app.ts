import express, { type ErrorRequestHandler, type Express, type Router } from 'express';
import type { Registry } from 'prom-client';
import { AppError } from '../../../lib/errors/app-error';
import { notFound, problemHandler } from '../../../lib/errors/problem-handler';
import { assignGlobalNo } from '../../../lib/http/global-no';
import { requestLogger, type Logger } from '../../../lib/http/logger';
import { createHttpMetrics } from '../../../lib/http/metrics';
import { normalizeRequestPath } from '../../../lib/http/normalize-request-path';
import { requireJsonBody } from '../../../lib/http/require-json-body';
import { traceRequests } from '../../../lib/http/trace-requests';
import type { ServiceDatabase } from '../db/create-database';
import { toServiceError } from './to-service-error';
import { authenticateCalls } from '../auth/authenticate-calls';
import { authorizeCalls, type ServiceKind } from '../auth/contract-policy';
import type { TokenVerifier } from '../auth/token-verifier';

export interface ServiceAppOptions {
  name: string;
  logger: Logger;
  database: ServiceDatabase;
  routers: Router[];
  /** Issue 10: who may call (bearer token verified against the SSO) and what each role may do. */
  /** Registries of the service's own metrics (outbox backlog, sagas), served on `/metrics` too. */
  metrics?: Registry[];
  auth: { verifier: TokenVerifier; kind: ServiceKind; ownerOf?: (no: number) => Promise<string | null | undefined> };
  /** More for /readyz to report (issue 12: the view's lag); throwing an AppError makes it not ready. */
  readiness?: () => Promise<Record<string, unknown>>;
  /** Adds this service's own metrics to its registry (served on /metrics). */
  addMetrics?: (registry: Registry) => void;
}

/** A contract payload is a few kilobytes; anything far larger is a mistake or an attack. */
const BODY_LIMIT = '32kb';

/** The skeleton every contract service shares: globalNo, logs, metrics, probes, JSON, problems. */
export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  const metrics = createHttpMetrics(options.name, options.metrics);
  options.addMetrics?.(metrics.registry);

  // Hostile input (issue 13): paths are normalised once, bodies are JSON or refused with 415.
  app.use(requestLogger(options.logger), assignGlobalNo(), traceRequests(), normalizeRequestPath(), metrics.middleware);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: options.name });
  });
  app.get('/readyz', async (_req, res) => {
    await options.database.ping().catch((cause: unknown) => {
      throw new AppError('DATABASE_UNAVAILABLE', undefined, {}, { cause });
    });
    const more = (await options.readiness?.()) ?? {};
    res.json({ status: 'ready', service: options.name, db: options.database.kind, ...more });
  });
  app.get('/metrics', metrics.handler);
  app.use(authenticateCalls(options.auth.verifier)); // issue 10: every call below needs a verified bearer token
  app.use(requireJsonBody(), express.json({ limit: BODY_LIMIT }));
  app.use(authorizeCalls(options.auth.kind, options.auth.ownerOf)); // issue 10: roles, ownership, audit from the token
  for (const router of options.routers) app.use(router);
  const databaseDown: ErrorRequestHandler = (err, _req, _res, next) => next(toServiceError(err));
  app.use(notFound(), databaseDown, problemHandler());
  return app;
}
