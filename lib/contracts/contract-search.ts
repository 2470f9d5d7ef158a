import { z } from 'zod';
import { plainText } from '../http/plain-text';
import { wholeNumberParam } from '../http/whole-number-param';

import { CONTRACT_SORT_KEYS, CONTRACT_STATES } from './contract-search-keys';

export { CONTRACT_SORT_KEYS, CONTRACT_STATES };

const term = plainText(200).transform((s) => s.trim()).pipe(z.string().min(1, 'must not be empty'));
/** A day (YYYY-MM-DD, UTC) or an instant (ISO-8601 with Z), as the ISO instant it stands for. */
const moment = (endOfDay: boolean) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z)?$/, 'must be YYYY-MM-DD or an ISO-8601 instant in UTC')
    .transform((s, ctx) => {
      const day = s.length === 10;
      const at = new Date(day ? `${s}T00:00:00.000Z` : s);
      if (Number.isNaN(at.getTime()) || (day && at.toISOString().slice(0, 10) !== s)) {
        ctx.addIssue({ code: 'custom', message: 'is not a real date' });
        return z.NEVER;
      }
      // A day given as `to` includes that whole day (the bound is exclusive).
      if (day && endOfDay) at.setUTCDate(at.getUTCDate() + 1);
      return at.toISOString();
    });

/**
 * The contract list's search, sort and paging, the same at the BFF and at the contract view:
 * contractor and payer by any part, a service number by any run of its digits, a card by its last
 * four digits, the last saga's state, the
 * registration date range, a sort key and order, and an opaque cursor from the previous page.
 */
export const contractSearchShape = z.object({
  size: wholeNumberParam(1, 100).default(20),
  sort: z.enum(CONTRACT_SORT_KEYS).default('no'),
  order: z.enum(['asc', 'desc']).default('desc'),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,400}$/, 'is not a cursor of this list').optional(),
  contr: term.optional(),
  payr: term.optional(),
  /** Any run of a service number's digits; dashes and spaces ignored. */
  svcNo: term.refine((s) => /^[\d\s-]+$/.test(s), { message: 'digits (and dashes) only', params: { code: 'INVALID_FORMAT' } }).optional(),
  /** A card's last four digits (card numbers are held masked). */
  cardNo: term.refine((s) => /^[\d\s*-]+$/.test(s), { message: 'digits only', params: { code: 'INVALID_FORMAT' } }).optional(),
  state: z.enum(CONTRACT_STATES).optional(),
  from: moment(false).optional(),
  to: moment(true).optional(),
  includeDeleted: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** "My contracts": only those the caller registered. */
  mine: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});
export const fromBeforeTo: [(q: { from?: string; to?: string }) => boolean, { message: string; path: string[]; params: { code: string } }] = [
  (q) => !q.from || !q.to || q.from < q.to,
  { message: 'from must be before to', path: ['from'], params: { code: 'INVALID_DATE_RANGE' } },
];
export const contractSearchQuery = contractSearchShape.strict().refine(...fromBeforeTo);
export type ContractSearchQuery = z.infer<typeof contractSearchQuery>;

/** The query as URL parameters again (the BFF passes a validated search on to the view). */
export function searchParamsOf(query: Partial<Record<keyof ContractSearchQuery, string | number | boolean | null>>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  return params;
}
