import { z } from 'zod';
import { plainText } from '../../../lib/http/plain-text';
import { modifyFieldRules, registerFieldRules } from '../../../lib/contracts/contract-rules';
import { AMENDER_COLUMNS, BUSINESS_COLUMNS, MAKER_COLUMNS } from './contract-table';
import { toFieldName } from './column-case';
import { MAX_CONTRACT_NO } from '../../../lib/http/whole-number-param';
import type { ContractValues } from './contract-store';

/** The audit columns (docs/source-design.md#the-contract-services-and-their-tables): ids at most 50, names 100; no control or bidi characters. The business columns follow lib/contracts/contract-rules.ts. */
const text = (max: number) => plainText(max);
const fieldsOf = (columns: readonly string[], schemaOf: (column: string) => z.ZodType) =>
  Object.fromEntries(columns.map((c) => [toFieldName(c), schemaOf(c).optional()]));
const auditSchema = (column: string) => text(column.endsWith('_ID') ? 50 : 100);

export const contractNo = z.number({ error: 'must be a contract number' }).int().positive().max(MAX_CONTRACT_NO);
/** The source's drill flag: "Y" makes MS3 fail on purpose. */
export const compensateYn = z.enum(['Y', 'N']).optional();

const maker = fieldsOf(MAKER_COLUMNS, auditSchema);
const amender = fieldsOf(AMENDER_COLUMNS, auditSchema);

/** Fields of a registration: the business columns by the contract's rules (lib/contracts/contract-rules.ts) and the maker columns. */
export const registerFields = z.object({ ...registerFieldRules(), ...maker });
/** Fields of a modification: business and amender columns, each optional (absent = unchanged), each by the same rules when sent. */
export const modifyFields = z.object({ ...modifyFieldRules(), ...amender });

/** `{ [envelope]: payload }`: the source's request bodies (`pponContPayload`, …). */
export function envelope<T extends z.ZodType>(name: string, payload: T) {
  return z.object({ [name]: payload }) as unknown as z.ZodObject<Record<string, T>>;
}

const SETTABLE = [...BUSINESS_COLUMNS, ...MAKER_COLUMNS, ...AMENDER_COLUMNS];

/** The column values a validated payload sets; anything else in it (numbers, flags) is not a column write. */
export function valuesOf(payload: Record<string, unknown>): ContractValues {
  const values: ContractValues = {};
  for (const column of SETTABLE) {
    const value = payload[toFieldName(column)];
    if (typeof value === 'string') values[column] = value;
  }
  return values;
}

/** The inverse of valuesOf: a payload carrying the same column values (for the next participant). */
export function fieldsFromValues(values: ContractValues): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [column, value] of Object.entries(values)) if (value !== undefined) fields[toFieldName(column)] = value;
  return fields;
}
