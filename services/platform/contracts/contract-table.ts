import type { ServiceName } from '../../../config/service-config';

/** Column and key names of one service's contract table and its history table (docs/source-design.md#the-contract-services-and-their-tables). */
export interface ContractTable {
  service: ServiceName;
  table: string;
  /** The contract number, e.g. SA_PPON_CONT_NO. */
  key: string;
  /** Other services' contract numbers this table holds. */
  crossKeys: readonly string[];
  historyTable: string;
  historyKey: string;
  /** PREV_SA_…_CONT_HST_NO: the history row a modify compensation restores. */
  prevHistoryKey: string;
  /** The source's cache key name, followed by the contract number (PPON_CONT_KEY123). */
  cacheKeyName: string;
}

export const BUSINESS_COLUMNS = [
  'CONTR', 'PAYR', 'SVC_NO', 'CARD_NO', 'BCBN_CONN', 'RACK', 'INTL_TRAFC', 'MFAMT_CONT', 'ADMR_INFO', 'APYR', 'SALER',
] as const;
export const MAKER_COLUMNS = ['MKER_ID', 'MKER_NM'] as const;
export const AMENDER_COLUMNS = ['AMDR_ID', 'AMDR_NM'] as const;

export const keyOf = (service: ServiceName) => `SA_${service.toUpperCase()}_CONT_NO`;

export function defineContractTable(service: ServiceName, crossServices: readonly ServiceName[]): ContractTable {
  const upper = service.toUpperCase();
  return {
    service,
    table: `SA_${upper}_CONT`,
    key: keyOf(service),
    crossKeys: crossServices.map(keyOf),
    historyTable: `SA_${upper}_CONT_HST`,
    historyKey: `SA_${upper}_CONT_HST_NO`,
    prevHistoryKey: `PREV_SA_${upper}_CONT_HST_NO`,
    cacheKeyName: `${upper}_CONT_KEY`,
  };
}

/** Every column of the main row, in SPEC order. */
export function contractColumns(t: ContractTable): string[] {
  return [
    t.key, ...t.crossKeys, ...BUSINESS_COLUMNS,
    'MKER_ID', 'MKER_NM', 'MKE_DATE', 'AMDR_ID', 'AMDR_NM', 'AMD_DATE',
    'DEL_YN', 'TRANSAC_NO', 'TRANSAC_STTUS', t.prevHistoryKey,
  ];
}
