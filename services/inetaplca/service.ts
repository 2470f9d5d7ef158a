import type { ServiceDefinition } from '../platform/run-service';
import { createInetaplcaApp } from './app';
import { inetaplcaTable } from './inetaplca-table';
import { startInetaplcaWorkers } from './events';
import { inetaplcaMigrations } from './migrations';

export const inetaplcaService: ServiceDefinition = { name: 'inetaplca', table: inetaplcaTable, migrations: inetaplcaMigrations, createApp: createInetaplcaApp, startWorkers: startInetaplcaWorkers };
