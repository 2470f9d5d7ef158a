import type { Kysely, Migration } from 'kysely';
import type { AnyDb } from '../platform/db/create-database';
import type { Migrations } from '../platform/db/run-migrations';
import { maskViewCards } from './mask-view-cards';
import { addServiceDigits } from './add-service-digits';

/** Columns a screen searches or sorts by: never NULL (''), so keyset paging compares plain values. */
export const SEARCH_COLUMNS = ['CONTR', 'PAYR', 'SVC_NO', 'CARD_NO', 'MKER_ID', 'MKE_DATE', 'AMD_DATE', 'DEL_YN', 'GLOBAL_NO', 'STATE'] as const;

/**
 * One row per contract, keyed by MS1's number: MS1's searchable fields in columns, each source's
 * whole row as JSON (what the PC grid shows), and per source the highest change number applied.
 */
const createContractView: Migration = {
  up: async (db: Kysely<AnyDb>) => {
    let table = db.schema.createTable('SA_CONTRACT_VIEW').addColumn('SA_PPON_CONT_NO', 'integer', (c) => c.primaryKey());
    for (const column of SEARCH_COLUMNS) table = table.addColumn(column, 'varchar(200)', (c) => c.notNull().defaultTo(''));
    table = table.addColumn('SA_INETAPLCA_CONT_NO', 'integer').addColumn('SA_INTELNET_CONT_NO', 'integer');
    for (const source of ['PPON', 'INETAPLCA', 'INTELNET']) table = table.addColumn(`${source}_VERSION`, 'integer').addColumn(`${source}_ROW`, 'text');
    await table.execute();
    for (const column of ['CONTR', 'PAYR', 'SVC_NO', 'CARD_NO', 'MKE_DATE', 'AMD_DATE', 'STATE', 'MKER_ID']) {
      await db.schema.createIndex(`IX_SA_CONTRACT_VIEW_${column}`).on('SA_CONTRACT_VIEW').columns([column, 'SA_PPON_CONT_NO']).execute();
    }
  },
};

export const contractViewMigrations: Migrations = { '001_contract_view': createContractView, '002_mask_view_cards': maskViewCards, '003_service_digits': addServiceDigits };
