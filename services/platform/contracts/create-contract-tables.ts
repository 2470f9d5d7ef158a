import { sql, type Kysely, type Migration } from 'kysely';
import type { AnyDb } from '../db/create-database';
import { AMENDER_COLUMNS, BUSINESS_COLUMNS, MAKER_COLUMNS, type ContractTable } from './contract-table';

/**
 * The contract table and its history table with every column of the source design (docs/source-design.md#the-contract-services-and-their-tables). Numbers come from each
 * table's own AUTO_INCREMENT / AUTOINCREMENT sequence: unique, increasing, never reused.
 */
export function createContractTables(t: ContractTable): Migration {
  return {
    up: async (db: Kysely<AnyDb>) => {
      await contractColumnsOn(
        db.schema.createTable(t.table).addColumn(t.key, 'integer', (c) => c.primaryKey().autoIncrement()),
        t,
      ).execute();
      await contractColumnsOn(
        db.schema
          .createTable(t.historyTable)
          .addColumn(t.historyKey, 'integer', (c) => c.primaryKey().autoIncrement())
          .addColumn(t.key, 'integer', (c) => c.notNull()),
        t,
      ).execute();
      await db.schema.createIndex(`IX_${t.table}_SVC_NO`).on(t.table).column('SVC_NO').execute();
      await db.schema.createIndex(`IX_${t.table}_CONTR`).on(t.table).column('CONTR').execute();
      await db.schema.createIndex(`IX_${t.historyTable}_CONT`).on(t.historyTable).column(t.key).execute();
    },
  };
}

type TableBuilder = ReturnType<Kysely<AnyDb>['schema']['createTable']>;

function contractColumnsOn(builder: TableBuilder, t: ContractTable): TableBuilder {
  let b = builder;
  for (const cross of t.crossKeys) b = b.addColumn(cross, 'integer');
  for (const column of BUSINESS_COLUMNS) b = b.addColumn(column, 'varchar(200)');
  b = b
    .addColumn(MAKER_COLUMNS[0], 'varchar(50)')
    .addColumn(MAKER_COLUMNS[1], 'varchar(100)')
    .addColumn('MKE_DATE', sql`datetime(6)`)
    .addColumn(AMENDER_COLUMNS[0], 'varchar(50)')
    .addColumn(AMENDER_COLUMNS[1], 'varchar(100)')
    .addColumn('AMD_DATE', sql`datetime(6)`)
    .addColumn('DEL_YN', 'varchar(1)', (c) => c.notNull().defaultTo('N'))
    .addColumn('TRANSAC_NO', 'varchar(100)')
    .addColumn('TRANSAC_STTUS', 'varchar(100)')
    .addColumn(t.prevHistoryKey, 'integer');
  return b;
}
