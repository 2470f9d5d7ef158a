import type { Express } from 'express';
import { createBffApp } from '../routes/create-bff-app';
import { contractRoutes } from '../routes/contract-routes';
import { mobileContractView } from '../core/compose/contract-views';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';
import type { BffUser } from '../core/session/session-types';
import { AppError } from '../lib/errors/app-error';
import { documentedRouter } from '../lib/openapi/documented-router';
import { bffResponses } from '../routes/openapi/bff-responses';

const RECENT = 5;

/** The mobile screens' BFF: compact cards, and the home screen in one round trip. */
export function createMobileApp(runtime: BffRuntime): Express {
  return createBffApp(runtime, {
    api: (api, routes) => {
      const contracts = contractRoutes(runtime, mobileContractView, routes);
      api.use(contracts.router);
      const { router, route } = documentedRouter(routes, '/api');
      api.use(router);
      const home = { method: 'get', path: '/home', summary: 'Home screen in one call: user, menu and recent contracts (from the contract view)', responses: { 200: { description: 'home', schema: bffResponses.home } } } as const;
      route(home, async (req, res) => {
        const user = req.user as BffUser;
        // The contract view down: home still shows the user and the menu, the recent list marked
        // partial with why (an error code the screen words, as the list's own refusal would be).
        const recent = await contracts.listPage(req, { size: RECENT }).catch((err: unknown) => {
          if (err instanceof AppError && err.status < 500) throw err;
          return { total: 0, partial: true, error: err instanceof AppError ? err.code : 'INTERNAL', items: [] };
        });
        res.set({ 'x-bff-completed': String(!recent.partial), 'cache-control': 'no-store' }).json({
          user: { sub: user.sub, name: user.claims.name ?? user.sub },
          menu: runtime.menu,
          recent: { total: recent.total, partial: recent.partial, ...('error' in recent ? { error: recent.error } : {}), items: recent.items.map(contracts.listItem) },
        });
      });
    },
  });
}
