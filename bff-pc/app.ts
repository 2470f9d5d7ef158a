import type { Express } from 'express';
import { createBffApp } from '../routes/create-bff-app';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';

/** The PC screens' BFF: full grids. */
export function createPcApp(runtime: BffRuntime): Express {
  return createBffApp(runtime);
}
