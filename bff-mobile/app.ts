import type { Express } from 'express';
import { createBffApp } from '../routes/create-bff-app';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';

/** The mobile screens' BFF: compact payloads, fewer round trips. */
export function createMobileApp(runtime: BffRuntime): Express {
  return createBffApp(runtime);
}
