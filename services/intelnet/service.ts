import type { ServiceDefinition } from '../platform/run-service';
import { createIntelnetApp } from './app';
import { intelnetTable } from './intelnet-table';
import { startIntelnetWorkers } from './events';
import { intelnetMigrations } from './migrations';

export const intelnetService: ServiceDefinition = { name: 'intelnet', table: intelnetTable, migrations: intelnetMigrations, createApp: createIntelnetApp, startWorkers: startIntelnetWorkers };
