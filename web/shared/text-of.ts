/**
 * A value from a row or an answer (`unknown`) as text: a string as it is, a number or boolean in
 * figures, nothing as ''; anything else as its JSON rather than "[object Object]".
 */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}
