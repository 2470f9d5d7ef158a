import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../shared/api';
import { useT } from '../shared/i18n';
import { SagaProgress, useSagaEvents, type SagaView } from '../shared/saga-progress';

/** Looks a saga up by its globalNo and follows it live; lists the sagas this browser started. */
export function SagaMonitor() {
  const t = useT();
  const [globalNo, setGlobalNo] = useState('');
  const [followed, setFollowed] = useState<{ globalNo: string; initial: Partial<SagaView> } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const view = useSagaEvents(followed?.globalNo ?? null, followed?.initial);
  const recent = JSON.parse(localStorage.getItem('sagas') ?? '[]') as string[];

  const follow = async (no: string) => {
    setError(null);
    setFollowed(null);
    try {
      const log = await api<{ state: string; steps: SagaView['steps']; message?: string | null }>(`/api/sagas/${encodeURIComponent(no)}`);
      const done = log.state !== 'START';
      setFollowed({ globalNo: no, initial: done ? { state: log.state, steps: log.steps, reason: log.message, done } : {} });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void follow(globalNo.trim());
  };
  return (
    <section aria-labelledby="sagas-title">
      <h1 id="sagas-title">{t('sagas')}</h1>
      <form onSubmit={submit} className="search">
        <label htmlFor="saga-no">{t('sagaLookup')}</label>
        <input id="saga-no" value={globalNo} onChange={(e) => setGlobalNo(e.target.value)} />
        <button type="submit">{t('follow')}</button>
      </form>
      {error && <p role="alert">{error}</p>}
      {view && <SagaProgress view={view} />}
      <h2>{t('recentSagas')}</h2>
      <ul>
        {recent.map((g) => (
          <li key={g}>
            <button type="button" className="link" onClick={() => void follow(g)}>
              {g}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
