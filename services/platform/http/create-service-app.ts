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
import { z } from 'zod';
import type { DocumentedRoute } from '../../../lib/openapi/api-route';
import { documentedRouter } from '../../../lib/openapi/documented-router';
import { buildOpenApiDocument } from '../../../lib/openapi/build-openapi-document';
import { authenticateCalls } from '../auth/authenticate-calls';
import { boundedBody } from '../../../lib/http/bounded-body';
import { authorizeCalls, type ServiceKind } from '../auth/contract-policy';
import type { TokenVerifier } from '../auth/token-verifier';

export interface ServiceAppOptions {
  name: string;
  logger: Logger;
  database: ServiceDatabase;
  /** The service's routers, each declaring its routes in `routes` (lib/openapi/documented-router.ts): its OpenAPI document at `GET /openapi.json`. */
  routers: (routes: DocumentedRoute[]) => Router[];
  /** Who may call (bearer token verified against the SSO) and what each role may do. */
  /** Registries of the service's own metrics (outbox backlog, sagas), served on `/metrics` too. */
  metrics?: Registry[];
  auth: { verifier: TokenVerifier; kind: ServiceKind; ownerOf?: (no: number) => Promise<string | null | undefined> };
  /** More for /readyz to report (docs/services.md#the-contract-view: the view's lag); throwing an AppError makes it not ready. */
  readiness?: () => Promise<Record<string, unknown>>;
  /** Adds this service's own metrics to its registry (served on /metrics). */
  addMetrics?: (registry: Registry) => void;
}

/** A contract payload is a few kilobytes; anything far larger is a mistake or an attack. */
const BODY_LIMIT = 32 * 1024;
/** A call's body arrives within this of its headers, else 408 (the callers are the BFFs and MS1, on the cluster's network). */
const BODY_WITHIN_MS = 15_000;

/** The skeleton every contract service shares: globalNo, logs, metrics, probes, JSON, problems. */
export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  const metrics = createHttpMetrics(options.name, options.metrics);
  options.addMetrics?.(metrics.registry);

  // Hostile input (docs/http-api.md#hostile-input-and-limits): paths are normalised once, bodies are JSON or refused with 415.
  app.use(requestLogger(options.logger), assignGlobalNo(), traceRequests(), normalizeRequestPath(), metrics.middleware);
  const routes: DocumentedRoute[] = [];
  let document: Record<string, unknown> | undefined;
  const documentOf = () =>
    (document ??= buildOpenApiDocument(routes, {
      title: `Contract service ${options.name}`,
      version: '0.1.0',
      description: 'Every call but the probes and this document needs a bearer token from the SSO (docs/identity.md). Errors are application/problem+json.',
      security: { name: 'bearer', scheme: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    }));
  const { router: open, route } = documentedRouter(routes, '');
  const text = { description: 'Prometheus exposition format', contentType: 'text/plain', schema: z.string() };
  route({ method: 'get', path: '/healthz', summary: 'The process runs', public: true, responses: { 200: { description: 'up', schema: z.object({ status: z.literal('ok'), service: z.string() }) } } }, (_req, res) => {
    res.json({ status: 'ok', service: options.name });
  });
  const ready = z.looseObject({ status: z.literal('ready'), service: z.string(), db: z.string() }).meta({ description: "what answers; the contract view adds its consumer's lag" });
  route({ method: 'get', path: '/readyz', summary: 'The database (and, for the view, its consumer) answers', public: true, responses: { 200: { description: 'ready', schema: ready }, 503: 'DATABASE_UNAVAILABLE / not ready' } }, async (_req, res) => {
    await options.database.ping().catch((cause: unknown) => {
      throw new AppError('DATABASE_UNAVAILABLE', undefined, {}, { cause });
    });
    const more = (await options.readiness?.()) ?? {};
    res.json({ status: 'ready', service: options.name, db: options.database.kind, ...more });
  });
  route({ method: 'get', path: '/metrics', summary: 'Prometheus metrics', public: true, responses: { 200: text } }, metrics.handler);
  route({ method: 'get', path: '/openapi.json', summary: "This service's OpenAPI 3.1 document, generated from the routes it declares", public: true, responses: { 200: { description: 'OpenAPI 3.1', schema: z.looseObject({ openapi: z.literal('3.1.0') }) } } }, (_req, res) => {
    res.json(documentOf());
  });
  app.use(open);
  app.use(authenticateCalls(options.auth.verifier)); // Every call below needs a verified bearer token
  app.use(requireJsonBody(), boundedBody({ limitBytes: BODY_LIMIT, withinMs: BODY_WITHIN_MS }), express.json({ limit: BODY_LIMIT }));
  app.use(authorizeCalls(options.auth.kind, options.auth.ownerOf)); // Roles, ownership, audit from the token
  for (const router of options.routers(routes)) app.use(router);
  const databaseDown: ErrorRequestHandler = (err, _req, _res, next) => next(toServiceError(err));
  app.use(notFound(), databaseDown, problemHandler());
  return app;
}
