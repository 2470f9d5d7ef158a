import type { ServiceConfig } from '../../../config/service-config';
import { rowToJson } from '../contracts/column-case';
import type { ChangeFeed } from '../contracts/contract-store';
import type { ContractTable } from '../contracts/contract-table';
import type { ServiceEvents } from './service-events';
import { contractChangedEvent } from './contract-change-events';

/**
 * Every contract write announces the row as committed, through the outbox (same
 * transaction), keyed by MS1's contract number; published by this process once the transaction commits.
 */
export function contractChangeFeed(config: ServiceConfig, table: ContractTable, events: ServiceEvents): ChangeFeed {
  const pponKey = table.service === 'ppon' ? table.key : 'SA_PPON_CONT_NO';
  return {
    changed: async (trx, row) => {
      const saPponContNo = Number(row[pponKey]);
      // A participant row always names MS1's contract; one that does not has no place in the view.
      if (!Number.isInteger(saPponContNo) || saPponContNo < 1) return undefined;
      const change = { source: table.service, saPponContNo, no: Number(row[table.key]), version: Number(row.CHG_NO ?? 0), changedAt: new Date().toISOString(), row: rowToJson(row) };
      await events.outbox.add(trx, contractChangedEvent(config.eventTopicPrefix, change));
      return saPponContNo;
    },
    committed: (saPponContNos) => {
      events.notices.contracts(saPponContNos);
    },
  };
}
