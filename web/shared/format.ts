import { useContext, useMemo } from 'react';
import { I18n } from './i18n';
import { SessionContext } from './session';
import { textOf } from './text-of';

const LOCALES = { ko: 'ko-KR', en: 'en-GB' } as const;

/** A stored instant: ISO with a zone, or the services' `YYYY-MM-DD HH:MM:SS` (UTC). */
export function parseInstant(value: unknown): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const text = textOf(value);
  const at = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** Dates and numbers in the profile's language and time zone (Intl), as an agent reads them. */
export function useFormat() {
  const { language } = useContext(I18n);
  const session = useContext(SessionContext);
  const timeZone = session?.profile.timeZone ?? 'Asia/Seoul';
  return useMemo(() => {
    const locale = LOCALES[language];
    let dates: Intl.DateTimeFormat;
    try {
      dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
    } catch {
      dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
    }
    const numbers = new Intl.NumberFormat(locale);
    return {
      date: (value: unknown) => {
        const at = parseInstant(value);
        return at ? dates.format(at) : '';
      },
      number: (n: number) => numbers.format(n),
    };
  }, [language, timeZone]);
}
