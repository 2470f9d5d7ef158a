import { luhnValid } from '../../lib/contracts/contract-rules';

/** A 16-digit card number ending in `last4`-ish digits, with a correct Luhn check digit. */
export function cardNumber(seed: number): string {
  const body = `9410${String(seed % 1e11).padStart(11, '0')}`;
  for (let d = 0; d <= 9; d++) if (luhnValid(`${body}${d}`)) return `${body}${d}`;
  throw new Error('unreachable: one check digit always fits');
}

/** A valid Seoul number, distinct per seed (02-XXXX-XXXX). */
export const serviceNumber = (seed: number) => `02-${String(1000 + (Math.floor(seed / 10_000) % 9000)).padStart(4, '0')}-${String(seed % 10_000).padStart(4, '0')}`;

/** What a registration needs (docs/contracts.md), valid; the overrides replace any of it. */
export function validContract(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { contr: '김민수', payr: '김민수', svcNo: '010-1234-5678', cardNo: '4111111111111111', ...overrides };
}
