import { z } from 'zod';
import { contractResponseSchemas } from '../../lib/contracts/contract-response-schemas';

const str = z.string();
const nullableStr = z.string().nullable();
const { row, state, historyEntry } = contractResponseSchemas;
const viewBehind = z.boolean().nullable().meta({ description: 'true: the contract view (the lists) holds an older version of this contract than the services; null: the view could not be asked' });

const pcItem = z.object({
  saPponContNo: z.number().int(),
  partial: z.boolean(),
  errors: z.object({ inetaplca: str.optional(), intelnet: str.optional() }).meta({ description: 'error code per part that could not be read' }),
  absent: z.array(z.enum(['inetaplca', 'intelnet'])).meta({ description: 'the parts that do not exist (e.g. never made or removed by a rolled-back registration): nothing to retry' }),
  ppon: row,
  inetaplca: row.nullable(),
  intelnet: row.nullable(),
  ...state,
});
const card = {
  no: z.number().int(),
  contractor: nullableStr,
  serviceNumber: nullableStr,
  status: z.enum(['active', 'in-progress', 'cancelled', 'incomplete', 'deleted']),
  partial: z.boolean(),
};
const part = z.object({ no: z.number().int().nullable(), state: nullableStr, error: nullableStr.optional(), absent: z.literal(true).optional().meta({ description: 'the part does not exist (nothing to retry)' }) });
const mobileItem = z.object({ ...card, ...state });
const entries = z.array(historyEntry).meta({ description: 'newest first' });
const serviceRows = z.array(row).nullable();

/** The bodies core/compose/contract-views.ts shapes, per app: a list item, the detail of one contract and its history. */
export const contractViewSchemas = {
  pc: {
    item: pcItem.meta({ id: 'PcContract' }),
    detail: pcItem.extend({ viewBehind }).meta({ id: 'PcContractDetail' }),
    history: z.object({ saPponContNo: z.number().int(), partial: z.boolean(), entries, ppon: serviceRows, inetaplca: serviceRows, intelnet: serviceRows }).meta({ id: 'ContractHistory' }),
  },
  mobile: {
    item: mobileItem.meta({ id: 'MobileCard' }),
    detail: mobileItem
      .extend({ madeBy: nullableStr, parts: z.object({ ppon: part, inetaplca: part, intelnet: part }), viewBehind })
      .meta({ id: 'MobileCardDetail' }),
    history: z.object({ no: z.number().int(), entries }).meta({ id: 'MobileHistory' }),
  },
  row,
};
