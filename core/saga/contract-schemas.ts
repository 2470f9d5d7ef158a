import { z } from 'zod';
import { contractSearchShape, fromBeforeTo } from '../../lib/contracts/contract-search';
import { modifyFieldRules, registerFieldRules } from '../../lib/contracts/contract-rules';
import { contractNoParam as contractNo, wholeNumberParam } from '../../lib/http/whole-number-param';

/**
 * The contract's business fields as a screen sends them, by the rules every service applies
 * (lib/contracts/contract-rules.ts): the screen gets the same field errors here, before a saga starts.
 */
const registerFields = z.object(registerFieldRules()).strict();
const modifyFields = z.object(modifyFieldRules()).strict();

const sagaOptions = {
  /** `api`: the answer is the saga's outcome; `event`: 202 at once, follow /api/sagas/{globalNo}. */
  mode: z.enum(['api', 'event']).optional(),
  /** Compensation drill: MS3 fails on purpose (only where config allows drills). */
  drill: z.literal('compensate').optional(),
};

export const registerContractBody = z
  .object({ contract: registerFields, ...sagaOptions })
  .strict();

export const modifyContractBody = z
  .object({ contract: modifyFields.refine((c) => Object.values(c).some((v) => v !== undefined), { message: 'at least one field to change', params: { code: 'REQUIRED' } }), ...sagaOptions })
  .strict();

// Plain decimal digits up to the services' INT column (lib/http/whole-number-param.ts): `0x1`,
// `01` or `1e3` name no contract, and a larger number is this request's 400, not a 502 after MS1 refuses it.
export const contractNoParam = z.object({ pponContNo: contractNo }).strict();
export const globalNoParam = z.object({ globalNo: z.string().regex(/^[A-Za-z0-9._-]{8,64}$/) }).strict();
/**
 * The lists' search (docs/services.md#the-contract-view: read from the contract view): the view's own query, plus `q`, the
 * earlier contractor search, kept as another name for `contr`.
 */
export const contractListQuery = contractSearchShape
  .extend({ q: contractSearchShape.shape.contr })
  .strict()
  .refine(...fromBeforeTo)
  .refine((query) => !(query.q && query.contr), { message: 'give q or contr, not both', path: ['q'] });
export type ContractListQuery = z.infer<typeof contractListQuery>;

/** The saga list's query (GET /api/sagas): MS1 decides whose sagas the user sees. */
export const sagaListQuery = z
  .object({
    state: z.enum(['START', 'COMPENSATING', 'END', 'CANCEL']).optional(),
    kind: z.enum(['reg', 'amd']).optional(),
    size: wholeNumberParam(1, 50).default(20),
    cursor: z.string().min(1).max(400).optional().meta({ description: "the previous page's nextCursor" }),
  })
  .strict();
export type SagaListQuery = z.infer<typeof sagaListQuery>;

export type RegisterContractBody = z.infer<typeof registerContractBody>;
export type ModifyContractBody = z.infer<typeof modifyContractBody>;
