import { z } from 'zod';

/** Plain decimal digits, no leading zero: no sign, space, fraction, exponent, separator or radix prefix. */
const PLAIN_DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/**
 * A whole number in a path or a query string, between `min` and `max`: written as its plain
 * decimal digits, or a 400 naming the parameter. `Number()` (and `z.coerce.number()`) would read
 * `0x1`, `01`, ` 1` and `1e3` as other spellings of 1 and 1000, so a caller could reach a number
 * it never wrote (docs/http-api.md#hostile-input-and-limits). Every numeric path or query
 * parameter of the BFF and the services takes this; `max` stays within the safe integer range.
 */
export function wholeNumberParam(min: number, max: number) {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) throw new Error('wholeNumberParam: bounds must be safe integers');
  return z
    .string()
    .regex(PLAIN_DECIMAL, 'must be a whole number in plain decimal digits, without a leading zero')
    .meta({ description: `a whole number from ${min} to ${max}, in plain decimal digits` })
    .transform(Number)
    .pipe(z.number().min(min).max(max)); // the digits make it whole; `max` keeps it safe
}

/** The largest contract number: the services number contracts in an INT column. */
export const MAX_CONTRACT_NO = 2_147_483_647;

/** A contract's number in a path (`/api/contracts/{pponContNo}`, the services' `/cont/{no}`, the view's). */
export const contractNoParam = wholeNumberParam(1, MAX_CONTRACT_NO);
