import { addChangeNumber } from '../platform/contracts/add-change-number';
import type { Migrations } from '../platform/db/run-migrations';
import { createContractTables } from '../platform/contracts/create-contract-tables';
import { createEventTables } from '../platform/events/create-event-tables';
import { createScaleOutTables } from '../platform/events/create-scale-out-tables';
import { createOutboxHeadersColumn } from '../platform/events/create-outbox-headers-column';
import { createSagaGuardTable } from '../participant/guard/create-saga-guard-table';
import { inetaplcaTable } from './inetaplca-table';

export const inetaplcaMigrations: Migrations = {
  '001_contract_tables': createContractTables(inetaplcaTable),
  '002_event_tables': createEventTables,
  '003_saga_guard': createSagaGuardTable,
  '004_change_number': addChangeNumber(inetaplcaTable),
  '005_outbox_headers': createOutboxHeadersColumn,
  '006_scale_out': createScaleOutTables,
};
