import type { Express } from 'express';
import { createBffApp } from '../routes/create-bff-app';
import { contractRoutes } from '../routes/contract-routes';
import { pcContractView } from '../core/compose/contract-views';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';

/** The PC screens' BFF: full grids — every column of every part of a contract. */
export function createPcApp(runtime: BffRuntime): Express {
  return createBffApp(runtime, { api: (api, routes) => api.use(contractRoutes(runtime, pcContractView, routes).router) });
}
