import { z } from 'zod';

/**
 * Characters no business field may hold: C0/C1 control characters (NUL truncates in C
 * consumers, CR/LF splits log lines and CSV rows, and reaches headers) and the Unicode
 * bidirectional controls that make "contr‮gnp.exe" display as something else (Trojan Source),
 * and half a UTF-16 surrogate pair (JSON can carry one; no database stores it as sent: it became
 * U+FFFD, the field silently changed). Korean, other scripts, emoji and punctuation all pass.
 */
export const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const UNSAFE_TEXT_MESSAGE = 'must not contain control characters, bidirectional-text controls or unpaired surrogates';

/** A string of at most `max` characters, free of the characters above. */
export function plainText(max: number) {
  return z.string().max(max, `at most ${max} characters`).refine((s) => !UNSAFE_TEXT.test(s), UNSAFE_TEXT_MESSAGE);
}
