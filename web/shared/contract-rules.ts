import { KOREAN_PHONE, luhnValid, NAME_FIELDS, REQUIRED_ON_REGISTER } from '../../lib/contracts/contract-formats';

export { REQUIRED_ON_REGISTER };

/**
 * The contract's field rules as the screens check them before sending, with the services' codes
 * (`REQUIRED`, `TOO_LONG`, `INVALID_PHONE`, `INVALID_CARD`, `INVALID_CARD_CHECKSUM`), from the same
 * zod-free formats the services use (lib/contracts/contract-formats.ts). The services still decide:
 * their 400 problem names the same codes per field, shown the same way.
 */
function codeOf(field: string, value: string, required: boolean): string | null {
  const v = value.trim();
  if (!v) return required ? 'REQUIRED' : null;
  if (field === 'svcNo') return v.length > 20 ? 'TOO_LONG' : KOREAN_PHONE.test(v) ? null : 'INVALID_PHONE';
  if (field === 'cardNo') {
    const digits = v.replace(/[\s-]/g, '');
    return !/^\d{13,19}$/.test(digits) ? 'INVALID_CARD' : luhnValid(digits) ? null : 'INVALID_CARD_CHECKSUM';
  }
  return v.length > ((NAME_FIELDS as readonly string[]).includes(field) ? 100 : 200) ? 'TOO_LONG' : null;
}

/** Field → error code for the values a form sends (a register sends all; a modify what changed). */
export function checkContract(values: Record<string, string>, register: boolean): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [field, value] of Object.entries(values)) {
    const required = (REQUIRED_ON_REGISTER as readonly string[]).includes(field) && (register || value.trim() === '');
    const code = codeOf(field, value, required);
    if (code) errors[field] = code;
  }
  return errors;
}
