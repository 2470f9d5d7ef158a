/** The roles that may read a card number in full (services/platform/auth/contract-policy.ts applies it; the BFF mirrors it). */
export const FULL_CARD_ROLES: readonly string[] = ['operator', 'supervisor'];

/** Every character but the last four replaced by `*` ("************1111"); anything not a string as it is. */
export function maskCard<T>(value: T): T {
  if (typeof value !== 'string' || value.length === 0) return value;
  return ('*'.repeat(Math.max(0, value.length - 4)) + value.slice(-4)) as T;
}

/** A row with its card number masked, whichever naming it uses (`cardNo` in JSON, `CARD_NO` in a table). */
export function maskCardsIn<T extends Record<string, unknown> | null | undefined>(row: T): T {
  if (!row) return row;
  const masked: Record<string, unknown> = { ...row };
  if ('cardNo' in masked) masked.cardNo = maskCard(masked.cardNo);
  if ('CARD_NO' in masked) masked.CARD_NO = maskCard(masked.CARD_NO);
  return masked as T;
}

/** `value` with every card number in it masked, at any depth (a message, a row inside a message). */
export function maskCardsDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskCardsDeep);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, key === 'cardNo' || key === 'CARD_NO' ? maskCard(inner) : maskCardsDeep(inner)]));
}
