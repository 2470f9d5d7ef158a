import { Router, type RequestHandler } from 'express';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';
import { requireCsrf } from '../core/http/require-csrf';
import { requireSession } from '../core/http/require-session';
import { createRouteProxy, upstreamPool, type RouteProxy } from '../core/proxy/create-route-proxy';
import { createUpgradeHandler, type UpgradeHandler } from '../core/proxy/create-upgrade-handler';
import type { TrustProxy } from '../core/proxy/forwarded-headers';
import type { LegacyRoute } from '../core/proxy/legacy-route-schema';
import { readRowSession, rowSessionReader, type RowSessionReader } from '../core/proxy/read-row-session';
import { redirectNavigationToLogin } from '../core/proxy/redirect-navigation-to-login';
import { chain } from '../lib/http/chain';

/** The checks in front of a row, visible in one place. */
function guardsOf(row: LegacyRoute, userOf: RequestHandler): RequestHandler[] {
  if (row.auth === 'public') return [];
  return [userOf, redirectNavigationToLogin(), requireSession(), ...(row.csrf ? [requireCsrf()] : [])];
}

/**
 * The routing table to the VM-hosted legacy apps: one proxy per row, mounted at its path (no
 * body parser runs before it, so bodies stream through), one keep-alive pool per target origin.
 * Mounted before the session middleware: a session row reads its user with `readRowSession`
 * (falling back to `sessionChain` whenever the session would change), a public row needs none.
 * Returns the upgrade handler for the rows that allow WebSockets, and the rows and session reader
 * for the fast path in front of Express (legacy-fast-path.ts), which serves them the same way.
 */
export function legacyProxyRoutes(
  runtime: BffRuntime,
  options: { trust: TrustProxy; session: RequestHandler; sessionChain: readonly RequestHandler[] },
): { router: Router; upgrade: UpgradeHandler; rows: { row: LegacyRoute; proxy: RouteProxy }[]; reader: RowSessionReader } {
  const router = Router();
  const reader = rowSessionReader(runtime.config, runtime.sessionStore, runtime.redis);
  const userOf = readRowSession(reader, options.sessionChain);
  const pools = new Map<string, ReturnType<typeof upstreamPool>>();
  const poolFor = (target: string) => {
    const origin = new URL(target).origin;
    if (!pools.has(origin)) pools.set(origin, upstreamPool(origin));
    return pools.get(origin)!;
  };
  const routes = runtime.legacyRoutes.map((row) => ({ row, proxy: createRouteProxy(row, options.trust, poolFor(row.target)) }));
  for (const { row, proxy } of routes) {
    router.use(row.path, chain(...guardsOf(row, userOf), proxy.web as unknown as RequestHandler));
  }
  const upgrade = createUpgradeHandler(routes, { config: runtime.config, session: options.session, logger: runtime.logger });
  return { router, upgrade, rows: routes, reader };
}
