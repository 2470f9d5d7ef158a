import { addChangeNumber } from '../shared/contracts/add-change-number';
import type { Migrations } from '../shared/db/run-migrations';
import { createContractTables } from '../shared/contracts/create-contract-tables';
import { createEventTables } from '../shared/events/create-event-tables';
import { createSagaGuardTable } from '../shared/saga/create-saga-guard-table';
import { intelnetTable } from './contracts/intelnet-table';

export const intelnetMigrations: Migrations = {
  '001_contract_tables': createContractTables(intelnetTable),
  '002_event_tables': createEventTables,
  '003_saga_guard': createSagaGuardTable,
  '004_change_number': addChangeNumber(intelnetTable),
};
