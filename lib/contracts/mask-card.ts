/** The roles that may read a card number in full (services/platform/auth/contract-policy.ts applies it; the BFF mirrors it). */
export const FULL_CARD_ROLES: readonly string[] = ['operator', 'supervisor'];

/** Every character but the last four replaced by `*` ("************1111"); anything not a string as it is. */
export function maskCard<T>(value: T): T {
  if (typeof value !== 'string' || value.length === 0) return value;
  return ('*'.repeat(Math.max(0, value.length - 4)) + value.slice(-4)) as T;
}

/** A card number's key: `cardNo` in JSON, `CARD_NO` in a table. */
const CARD_KEYS: readonly string[] = ['cardNo', 'CARD_NO'];

/** A row with its card number masked, whichever naming it uses (`cardNo` in JSON, `CARD_NO` in a table). */
export function maskCardsIn<T extends Record<string, unknown> | null | undefined>(row: T): T {
  if (!row) return row;
  const masked: Record<string, unknown> = { ...row };
  for (const key of CARD_KEYS) if (key in masked) masked[key] = maskCard(masked[key]);
  return masked as T;
}

/** `value` with every card number in it masked, at any depth (a message, a row inside a message). */
export function maskCardsDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskCardsDeep);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, CARD_KEYS.includes(key) ? maskCard(inner) : maskCardsDeep(inner)]));
}
