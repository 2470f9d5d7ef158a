import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import { Passport } from 'passport';
import '../core/http/global-types';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';
import { assignGlobalNo } from '../lib/http/global-no';
import { chain } from '../lib/http/chain';
import { requestLogger } from '../lib/http/logger';
import { normalizeRequestPath } from '../lib/http/normalize-request-path';
import { requireJsonBody } from '../lib/http/require-json-body';
import { boundedBody } from '../lib/http/bounded-body';
import { createHttpMetrics } from '../lib/http/metrics';
import { traceRequests } from '../lib/http/trace-requests';
import { notFound, problemHandler } from '../lib/errors/problem-handler';
import { createSessionMiddleware } from '../core/session/create-session-middleware';
import { enforceSessionLifetime } from '../core/session/enforce-session-lifetime';
import { requireCsrf } from '../core/http/require-csrf';
import { restoreSessionUser } from '../core/session/restore-session-user';
import { requireSession } from '../core/http/require-session';
import { menuForRoles } from '../core/menu/menu-for-roles';
import type { BffUser } from '../core/session/session-types';
import { mayDrill } from '../lib/contracts/contract-access';
import { ensureAccessToken } from '../core/auth/ensure-access-token';
import { authEndpoints } from './auth/auth-endpoints';
import { sessionRoutes } from './session-routes';
import { CONTRACT_DOCUMENTS } from './contract-document-routes';
import { healthRoutes } from './health-routes';
import { openApiDocsRoutes } from './openapi/openapi-docs-routes';
import { bffResponses } from './openapi/bff-responses';
import type { DocumentedRoute } from '../lib/openapi/api-route';
import { documentedRouter } from '../lib/openapi/documented-router';
import { buildOpenApiDocument } from '../lib/openapi/build-openapi-document';
import { staticWebRoutes } from './static-web';
import { fileRoutes } from './file-routes';
import { legacyProxyRoutes } from './legacy-proxy-routes';
import { legacyFastPath } from './legacy-fast-path';
import { claimBeforeExpress } from '../lib/http/claim-before-express';
import { fixedHeaders } from '../lib/http/fixed-headers';
import { unlessEdgeRan } from '../lib/http/edge-once';
import { attachUpgradeHandler } from '../core/proxy/attach-upgrade-handler';
import { rateLimit } from '../core/rate-limit/rate-limit';
import { memoryRateLimiter, redisRateLimiter } from '../core/rate-limit/rate-limiter';
import type { TrustProxy } from '../core/proxy/forwarded-headers';

export interface BffAppOptions {
  /** App-specific `/api` routes, mounted behind the session and CSRF checks; each declared in `routes` (lib/openapi/documented-router.ts). */
  api?: (router: Router, routes: DocumentedRoute[]) => void;
}

/** The largest JSON or form body of /bff (login state, the SSO's logout token) and of /api (a contract); uploads have their own limits. */
const BFF_BODY_LIMIT = 16 * 1024;
const API_BODY_LIMIT = 256 * 1024;

/**
 * The one BFF pipeline both apps are built from. In front of it, the routing-table requests that
 * need nothing but their row's proxy are served without Express (routes/legacy-fast-path.ts).
 * Order matters and reads top to bottom: edge (headers, globalNo, logs, metrics, WebSocket
 * upgrades) → legacy routes (each row's checks
 * — a session row reads its user itself —, then the proxy, before any body parser) → health (no
 * session) → screens → session → user from the session → lifetime → /bff management endpoints
 * (passport) → /api (session + CSRF) → 404 → problem+json.
 * Nothing here listens or connects: the runtime is built by the caller.
 */
export function createBffApp(runtime: BffRuntime, options: BffAppOptions = {}): Express {
  const { config } = runtime;
  const app = express();
  // Every route below is declared once with its schemas; the OpenAPI document is built from them when first asked.
  const routes: DocumentedRoute[] = [];
  let document: Record<string, unknown> | undefined;
  const documentOf = () =>
    (document ??= buildOpenApiDocument(routes, {
      title: `Contract BFF (${config.app})`,
      version: '0.1.0',
      description: 'Session cookie auth (log in at /bff/login). State-changing calls need `X-CSRF: 1`. Errors are application/problem+json.',
      security: { name: 'session', scheme: { type: 'apiKey', in: 'cookie', name: config.sessionCookieName } },
    }));
  const metrics = createHttpMetrics(`bff-${config.app}`, [runtime.metrics.registry]);
  const trust = config.trustProxy;
  app.set('trust proxy', trust === 'true' ? true : trust === 'false' ? false : /^\d+$/.test(trust) ? Number(trust) : trust);
  app.disable('x-powered-by');
  app.set('etag', false);

  const session = createSessionMiddleware(config, runtime.sessionStore);
  // The whole user is kept in the session; restoreSessionUser reads it back (what passport.session()
  // did with an identity deserializeUser), and passport itself is needed only where users log in.
  const sessionChain = [session, restoreSessionUser(), enforceSessionLifetime(config)];
  const legacy = legacyProxyRoutes(runtime, { trust: app.get('trust proxy fn') as TrustProxy, session, sessionChain });

  // The path is normalised before anything matches on it (routing-table rows included).
  // One layer: every request passes it (lib/http/chain.ts). helmet's headers are constant: set from a recording.
  const withParameters = runtime.legacyRoutes.filter((row) => row.allowPathParameters);
  // Matched as Express's router matches the rows (case-insensitively; row paths are lower-case).
  const allowsPathParameters = (path: string) => withParameters.some((row) => path.toLowerCase() === row.path || path.toLowerCase().startsWith(`${row.path}/`));
  const [logged, securityHeaders, upgrades] = [requestLogger(runtime.logger), fixedHeaders(helmet()), attachUpgradeHandler(legacy.upgrade)];
  // A request the fast path took and handed back has had its log and metrics steps already.
  app.use(chain(unlessEdgeRan(logged), assignGlobalNo(), traceRequests(), normalizeRequestPath(allowsPathParameters), unlessEdgeRan(metrics.middleware), securityHeaders.handler, upgrades));
  // The rows' requests that would only reach their proxy are served before Express, with the
  // same edge steps and proxies (routes/legacy-fast-path.ts); everything else comes this way.
  claimBeforeExpress(app, legacyFastPath(legacy.rows, { steps: [logged, metrics.middleware, upgrades], securityHeaders }, legacy.reader, problemHandler()));
  // The routing table before anything else (its paths are disjoint from the BFF's own) and before
  // the session: a session row reads its user itself (one store GET, no session middleware; see
  // core/proxy/read-row-session.ts), a public row never needs one.
  app.use(legacy.router);
  app.use(healthRoutes(runtime, metrics, routes));
  app.use('/docs', openApiDocsRoutes('/docs', documentOf, routes));
  app.use(staticWebRoutes(config.app));

  const passport = new Passport();
  passport.serializeUser((user, done) => done(null, user));
  app.use(...sessionChain);

  // /bff takes JSON, and forms only for the SSO's back-channel logout; anything else is a 415.
  // Rate limits (Redis-backed, shared by the app's instances): logins, saga triggers, uploads.
  const limiter = runtime.redis ? redisRateLimiter(runtime.redis, config.rateLimitPrefix) : memoryRateLimiter();
  const windowSeconds = config.rateLimitWindowSeconds;
  const sagaLimit = rateLimit(limiter, { action: 'saga', perIp: config.rateLimitSagaPerIp, perSession: config.rateLimitSagaPerSession, windowSeconds });
  const uploadLimit = rateLimit(limiter, { action: 'upload', perIp: config.rateLimitUploadPerIp, perSession: config.rateLimitUploadPerSession, windowSeconds });
  app.get('/bff/login', rateLimit(limiter, { action: 'login', perIp: config.rateLimitLoginPerIp, perSession: 0, windowSeconds }));

  app.use('/bff', passport.initialize(), requireJsonBody({ also: ['application/x-www-form-urlencoded'] }), boundedBody({ limitBytes: BFF_BODY_LIMIT, withinMs: config.bodyTimeoutMs }), express.json({ limit: BFF_BODY_LIMIT }), authEndpoints(runtime, passport, routes));

  const { router: api, route } = documentedRouter(routes, '/api');
  // No /api answer is ever worth caching: the Back button after logout must not show one.
  api.use((_req, res, next) => (res.set('cache-control', 'no-store'), next()));
  const uploads = ['/files', CONTRACT_DOCUMENTS];
  api.use(requireSession(), requireCsrf(), requireJsonBody({ except: uploads }), boundedBody({ limitBytes: API_BODY_LIMIT, withinMs: config.bodyTimeoutMs, except: uploads }), ensureAccessToken(runtime), express.json({ limit: API_BODY_LIMIT }));
  api.post('/contracts', sagaLimit);
  api.put('/contracts/:pponContNo', sagaLimit);
  api.post('/files', uploadLimit);
  api.post(CONTRACT_DOCUMENTS, uploadLimit);
  // The menu this user may use (items may name roles), and whether the screens offer the drill.
  route({ method: 'get', path: '/menu', summary: `The ${config.app} menu tree for the user's roles, and whether the drill is offered`, responses: { 200: { description: 'menu', schema: bffResponses.menu(config.app) } } }, (req, res) => {
    const roles = (req.user as BffUser).roles;
    res.json({ app: config.app, items: menuForRoles(runtime.menu, roles), drillAllowed: config.drillsAllowed && mayDrill(roles) });
  });
  api.use('/session', sessionRoutes(runtime, routes));
  api.use('/files', fileRoutes(runtime, routes));
  api.use(openApiDocsRoutes('/api', documentOf, routes));
  options.api?.(api, routes);
  app.use('/api', api);

  app.use(notFound(), problemHandler());
  return app;
}
