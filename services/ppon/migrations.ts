import { addChangeNumber } from '../shared/contracts/add-change-number';
import type { Migrations } from '../shared/db/run-migrations';
import { createContractTables } from '../shared/contracts/create-contract-tables';
import { pponTable } from './contracts/ppon-table';
import { createSagaLogTables } from './saga/create-saga-log-tables';
import { createEventTables } from '../shared/events/create-event-tables';
import { createOutboxHeadersColumn } from '../shared/events/create-outbox-headers-column';
import { createPubsubTables } from './pubsub/create-pubsub-tables';
import { createSagaRecoveryColumns } from './saga/create-saga-recovery-columns';
import { createSagaTraceColumn } from './saga/create-saga-trace-column';

export const pponMigrations: Migrations = {
  '001_contract_tables': createContractTables(pponTable),
  '002_saga_log': createSagaLogTables,
  '003_event_tables': createEventTables,
  '004_pubsub_saga': createPubsubTables,
  '005_saga_recovery': createSagaRecoveryColumns,
  '006_change_number': addChangeNumber(pponTable),
  '007_outbox_headers': createOutboxHeadersColumn,
  '008_saga_trace': createSagaTraceColumn,
};
