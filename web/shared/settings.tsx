import { useState, type FormEvent } from 'react';
import { api } from './api';
import { problemText } from './problem-text';
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
  const [message, setMessage] = useState<string | null>(null);
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
      setMessage(t('saved'));
    } catch (err) {
      setMessage(problemText(t, err));
    }
  };
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">{t('settings')}</h1>
      <form onSubmit={(e) => void save(e)} className="contract-form">
        <div className="field">
          <label htmlFor="s-language">{t('language')}</label>
          <select id="s-language" value={language} onChange={(e) => setLanguage(e.target.value as Profile['language'])}>
            <option value="ko">한국어</option>
            <option value="en">English</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="s-page-size">{t('pageSize')}</label>
          <input id="s-page-size" type="number" inputMode="numeric" min={5} max={200} value={pageSize} onChange={(e) => setPageSize(e.target.value)} />
        </div>
        <button type="submit" className="primary">
          {t('save')}
        </button>
        {message && <p role="status">{message}</p>}
      </form>
    </section>
  );
}
