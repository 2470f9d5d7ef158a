import { z } from 'zod';
import { UNSAFE_TEXT, UNSAFE_TEXT_MESSAGE } from '../../lib/http/plain-text';

/** Refused, not stripped: a field silently changed on its way in is worse than a clear 400. */
const business = z.string().refine((s) => !UNSAFE_TEXT.test(s), UNSAFE_TEXT_MESSAGE).trim().max(200);

/** The contract's business columns as a screen sends them (SPEC §2: VARCHAR 200 each). */
export const contractFields = z
  .object({
    contr: business.min(1),
    payr: business,
    svcNo: business,
    cardNo: business,
    bcbnConn: business,
    rack: business,
    intlTrafc: business,
    mfamtCont: business,
    admrInfo: business,
    apyr: business,
    saler: business,
  })
  .partial()
  .strict();

const sagaOptions = {
  /** `api`: the answer is the saga's outcome; `event`: 202 at once, follow /api/sagas/{globalNo}. */
  mode: z.enum(['api', 'event']).optional(),
  /** Compensation drill: MS3 fails on purpose (only where config allows drills). */
  drill: z.literal('compensate').optional(),
};

export const registerContractBody = z
  .object({ contract: contractFields.required({ contr: true }), ...sagaOptions })
  .strict();

export const modifyContractBody = z
  .object({ contract: contractFields.refine((c) => Object.keys(c).length > 0, { message: 'at least one field to change' }), ...sagaOptions })
  .strict();

// The services number contracts in an INT column (max 2^31-1, their `contractNo`): a larger number
// names no contract and is this request's 400, not a 502 after MS1 refuses it.
export const contractNoParam = z.object({ pponContNo: z.coerce.number().int().positive().max(2_147_483_647) }).strict();
export const globalNoParam = z.object({ globalNo: z.string().regex(/^[A-Za-z0-9._-]{8,64}$/) }).strict();
export const contractListQuery = z
  .object({
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    size: z.coerce.number().int().min(1).max(100).default(20),
    q: z.string().trim().min(1).max(200).optional(),
    /** "My contracts" (issue 10): only those the logged-in user registered. */
    mine: z.enum(['true', 'false']).optional(),
  })
  .strict();

export type RegisterContractBody = z.infer<typeof registerContractBody>;
export type ModifyContractBody = z.infer<typeof modifyContractBody>;
