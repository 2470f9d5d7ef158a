import { addChangeNumber } from '../platform/contracts/add-change-number';
import type { Migrations } from '../platform/db/run-migrations';
import { createContractTables } from '../platform/contracts/create-contract-tables';
import { pponTable } from './ppon-table';
import { createSagaLogTables } from '../orchestrator/saga-log/create-saga-log-tables';
import { createEventTables } from '../platform/events/create-event-tables';
import { createScaleOutTables } from '../platform/events/create-scale-out-tables';
import { createOutboxHeadersColumn } from '../platform/events/create-outbox-headers-column';
import { createPubsubTables } from '../orchestrator/saga-log/create-pubsub-tables';
import { createSagaRecoveryColumns } from '../orchestrator/saga-log/create-saga-recovery-columns';
import { createSagaTraceColumn } from '../orchestrator/saga-log/create-saga-trace-column';
import { createSagaStartedByColumn } from '../orchestrator/saga-log/create-saga-started-by-column';
import { movePendingIntoSaga } from '../orchestrator/saga-log/move-pending-into-saga';

export const pponMigrations: Migrations = {
  '001_contract_tables': createContractTables(pponTable),
  '002_saga_log': createSagaLogTables,
  '003_event_tables': createEventTables,
  '004_pubsub_saga': createPubsubTables,
  '005_saga_recovery': createSagaRecoveryColumns,
  '006_change_number': addChangeNumber(pponTable),
  '007_outbox_headers': createOutboxHeadersColumn,
  '008_saga_trace': createSagaTraceColumn,
  '009_scale_out': createScaleOutTables,
  '010_saga_started_by': createSagaStartedByColumn,
  '011_pending_in_saga': movePendingIntoSaga,
};
