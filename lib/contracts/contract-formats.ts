/**
 * The formats a contract's fields must have, with no imports, so that the screens' bundle can take
 * them too (web/shared/contract-rules.ts) without zod: the services' rules
 * (lib/contracts/contract-rules.ts) and the screens' first check are the same rules.
 */

/**
 * A Korean national telephone number: mobile (010, 011, 016-019), Seoul (02), the other area codes,
 * 070 internet phones, 050x personal numbers, or a 15xx/16xx/18xx business number; dashes optional.
 */
export const KOREAN_PHONE = /^(?:(?:01[016789]|02|03[1-3]|04[1-4]|05[1-5]|06[1-4]|070|050[2-8]?)-?\d{3,4}-?\d{4}|1[568]\d{2}-?\d{4})$/;

/** Luhn's check digit (ISO/IEC 7812): every card number's last digit. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** What a registration cannot do without. */
export const REQUIRED_ON_REGISTER = ['contr', 'payr', 'svcNo', 'cardNo'] as const;

/** Names of people, companies and branches: at most 100 characters; other free text 200. */
export const NAME_FIELDS = ['contr', 'payr', 'apyr', 'saler', 'admrInfo'] as const;
