import { useState, type FormEvent } from 'react';
import { api } from './api';
import { FieldError, invalidProps } from './field-error';
import { problemText, refusedFields } from './problem-text';
import { useT } from './i18n';
import { useSession, type Profile } from './session';

/** Switches the session profile's language (the BFF keeps it for both apps' screens). */
export function LanguageSwitch() {
  const { profile, setProfile } = useSession();
  const other = profile.language === 'ko' ? 'en' : 'ko';
  const change = async () => setProfile(await api<Profile>('/api/session/profile', { method: 'PATCH', body: { language: other } }));
  return (
    <button type="button" className="lang" onClick={() => void change()} lang={other} aria-label={other === 'en' ? 'EN (English)' : '한국어'}>
      {other === 'en' ? 'EN' : '한국어'}
    </button>
  );
}

/** The user's preferences from the session profile: language and rows per page. */
export function SettingsScreen() {
  const t = useT();
  const { profile, setProfile } = useSession();
  const [language, setLanguage] = useState(profile.language);
  const [pageSize, setPageSize] = useState(String(profile.pageSize));
  // Saved, or the refusal as thrown (worded in the language shown now, its fields marked).
  const [outcome, setOutcome] = useState<{ saved: true } | { failed: unknown } | null>(null);
  const refused = outcome && 'failed' in outcome ? refusedFields(outcome.failed) : {};
  // The header's switch changes the language under this form: the form follows in the same render,
  // never saves the old one back.
  const [languageOf, setLanguageOf] = useState(profile.language);
  if (languageOf !== profile.language) {
    setLanguageOf(profile.language);
    setLanguage(profile.language);
  }
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      setProfile(await api<Profile>('/api/session/profile', { method: 'PATCH', body: { language, pageSize: Number(pageSize) } }));
      setOutcome({ saved: true });
    } catch (err) {
      setOutcome({ failed: err });
    }
  };
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">{t('settings')}</h1>
      <form onSubmit={(e) => void save(e)} className="contract-form">
        <div className="field">
          <label htmlFor="s-language">{t('language')}</label>
          <select id="s-language" value={language} onChange={(e) => setLanguage(e.target.value as Profile['language'])} {...invalidProps('s-language', refused.language)}>
            <option value="ko">한국어</option>
            <option value="en">English</option>
          </select>
          <FieldError id="s-language" code={refused.language} field="language" />
        </div>
        <div className="field">
          <label htmlFor="s-page-size">{t('pageSize')}</label>
          <input id="s-page-size" type="number" inputMode="numeric" min={5} max={200} value={pageSize} onChange={(e) => setPageSize(e.target.value)} {...invalidProps('s-page-size', refused.pageSize)} />
          <FieldError id="s-page-size" code={refused.pageSize} field="pageSize" />
        </div>
        <button type="submit" className="primary">
          {t('save')}
        </button>
        {outcome && 'saved' in outcome && <p role="status">{t('saved')}</p>}
        {outcome && 'failed' in outcome && (
          <p className="error" role="alert">
            {problemText(t, outcome.failed)}
          </p>
        )}
      </form>
    </section>
  );
}
