import { z } from 'zod';
import { plainText } from '../http/plain-text';

/**
 * What a contract must be, the same in every service and both BFF apps (docs/contracts.md). Each
 * refusal carries a stable `code` in its issue's params; lib/http/issue-code.ts reads it.
 */
const refuse = (ctx: z.RefinementCtx, code: string, message: string) => ctx.addIssue({ code: 'custom', message, params: { code } });

export { KOREAN_PHONE, luhnValid } from './contract-formats';
import { KOREAN_PHONE, luhnValid } from './contract-formats';

/** Names of people, companies and branches. */
const name = plainText(100).transform((s) => s.trim());
/** Other free text (the source design's VARCHAR(200): docs/source-design.md). */
const text = plainText(200).transform((s) => s.trim());

const serviceNumber = plainText(20)
  .transform((s) => s.trim())
  .superRefine((s, ctx) => {
    if (s !== '' && !KOREAN_PHONE.test(s)) refuse(ctx, 'INVALID_PHONE', 'must be a national telephone number, e.g. 010-1234-5678 or 02-123-4567');
  });

/** Stored as digits only: spaces and dashes a person types between groups are dropped. */
const cardNumber = plainText(40)
  .transform((s) => s.replace(/[\s-]/g, ''))
  .superRefine((s, ctx) => {
    if (s === '') return;
    if (!/^\d{13,19}$/.test(s)) refuse(ctx, 'INVALID_CARD', 'must be 13 to 19 digits');
    else if (!luhnValid(s)) refuse(ctx, 'INVALID_CARD_CHECKSUM', 'the check digit does not match');
  });

/** The business fields, each as it may be sent (absent = not sent). */
export const contractFieldRules = {
  contr: name,
  payr: name,
  svcNo: serviceNumber,
  cardNo: cardNumber,
  bcbnConn: text,
  rack: text,
  intlTrafc: text,
  mfamtCont: text,
  admrInfo: text,
  apyr: name,
  saler: name,
};
export type ContractField = keyof typeof contractFieldRules;

/** What a registration cannot do without. */
export const REQUIRED_ON_REGISTER = ['contr', 'payr', 'svcNo', 'cardNo'] as const satisfies readonly ContractField[];

const required = <T extends z.ZodType<string, string>>(schema: T) => schema.refine((s) => s !== '', { message: 'is required', params: { code: 'REQUIRED' } });

/** The fields of a registration: the required ones present and not blank, every other one optional. */
export function registerFieldRules() {
  const shape: Record<string, z.ZodType> = {};
  for (const [field, schema] of Object.entries(contractFieldRules)) {
    shape[field] = (REQUIRED_ON_REGISTER as readonly string[]).includes(field) ? required(schema) : schema.optional();
  }
  return shape as { [K in ContractField]: z.ZodOptional<(typeof contractFieldRules)[K]> };
}

/** The fields of a modification: each optional; a required one, when sent, may not be blanked. */
export function modifyFieldRules() {
  const shape: Record<string, z.ZodType> = {};
  for (const [field, schema] of Object.entries(contractFieldRules)) {
    shape[field] = ((REQUIRED_ON_REGISTER as readonly string[]).includes(field) ? required(schema) : schema).optional();
  }
  return shape as { [K in ContractField]: z.ZodOptional<(typeof contractFieldRules)[K]> };
}
