import { addChangeNumber } from '../shared/contracts/add-change-number';
import type { Migrations } from '../shared/db/run-migrations';
import { createContractTables } from '../shared/contracts/create-contract-tables';
import { createEventTables } from '../shared/events/create-event-tables';
import { createOutboxHeadersColumn } from '../shared/events/create-outbox-headers-column';
import { createSagaGuardTable } from '../shared/saga/create-saga-guard-table';
import { intelnetTable } from './contracts/intelnet-table';

export const intelnetMigrations: Migrations = {
  '001_contract_tables': createContractTables(intelnetTable),
  '002_event_tables': createEventTables,
  '003_saga_guard': createSagaGuardTable,
  '004_change_number': addChangeNumber(intelnetTable),
  '005_outbox_headers': createOutboxHeadersColumn,
};
