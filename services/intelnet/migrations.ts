import type { Migrations } from '../shared/db/run-migrations';
import { createContractTables } from '../shared/contracts/create-contract-tables';
import { intelnetTable } from './contracts/intelnet-table';

export const intelnetMigrations: Migrations = {
  '001_contract_tables': createContractTables(intelnetTable),
};
