import { useCallback, useContext, useEffect, useState } from 'react';
import { api, ApiError } from './api';
import { I18n, useT } from './i18n';

interface ListedSession {
  id: string;
  app: 'pc' | 'mobile' | null;
  startedAt: string | null;
  lastSeenAt: string | null;
  browser: string;
  current: boolean;
}

/** The user's sessions in both apps (GET /bff/sessions): end one, or all but this one. */
export function SessionsScreen() {
  const t = useT();
  const { language } = useContext(I18n);
  const [sessions, setSessions] = useState<ListedSession[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setSessions((await api<{ sessions: ListedSession[] }>('/bff/sessions')).sessions);
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : t('error'));
    }
  }, [t]);
  useEffect(() => void load(), [load]);
  const act = async (call: () => Promise<unknown>, done: string) => {
    try {
      await call();
      await load();
      setMessage(done);
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : t('error'));
    }
  };
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(language === 'ko' ? 'ko-KR' : 'en-GB') : '—');
  const others = (sessions ?? []).filter((s) => !s.current).length;
  return (
    <section aria-labelledby="sessions-title">
      <h1 id="sessions-title">{t('mySessions')}</h1>
      <p>{t('sessionsHint')}</p>
      {sessions === null && !message && <p>{t('loading')}</p>}
      {sessions && (
        <ul className="sessions" data-testid="sessions">
          {sessions.map((s) => (
            <li key={s.id} data-current={s.current || undefined}>
              <strong>{s.app === 'mobile' ? t('appMobile') : t('appPc')}</strong> · {s.browser}
              {s.current && <span className="badge"> · {t('thisSession')}</span>}
              <br />
              <small>
                {t('sessionStarted')}: {when(s.startedAt)} · {t('sessionLastSeen')}: {when(s.lastSeenAt)}
              </small>
              {!s.current && (
                <button type="button" onClick={() => void act(() => api(`/bff/sessions/${encodeURIComponent(s.id)}`, { method: 'DELETE' }), t('sessionEnded'))}>
                  {t('endSession')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {others > 0 && (
        <button type="button" className="primary" onClick={() => void act(() => api('/bff/sessions', { method: 'DELETE' }), t('sessionEnded'))}>
          {t('signOutOthers')}
        </button>
      )}
      {message && <p role="status">{message}</p>}
    </section>
  );
}
