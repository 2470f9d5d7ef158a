import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../shared/api';
import { rememberedSagas } from '../shared/contract-form';
import { useFormat } from '../shared/format';
import { useT } from '../shared/i18n';
import { problemText } from '../shared/problem-text';
import { Link, navigate, usePath } from '../shared/router';
import { SagaProgress, useSagaEvents, type SagaView } from '../shared/saga-progress';
import { sagaStateText } from '../shared/saga-words';

interface SagaLog {
  globalNo: string;
  kind?: 'reg' | 'amd';
  state: string;
  saPponContNo?: number | null;
  startedAt?: string;
  reasonCode?: string | null;
  steps: SagaView['steps'];
}

/**
 * The change monitor: the changes (sagas) this browser started, each with its contract, kind, state
 * and time and a link to the contract; one followed live by its reference (`?globalNo=` in the URL).
 */
export function SagaMonitor() {
  const t = useT();
  const format = useFormat();
  usePath();
  const selected = new URLSearchParams(location.search).get('globalNo');
  const [lookup, setLookup] = useState(selected ?? '');
  // The saga looked up, kept with its reference: another reference shows nothing of this one's.
  const [looked, setLooked] = useState<{ globalNo: string; initial?: Partial<SagaView>; error?: unknown } | null>(null);
  const followed = looked?.globalNo === selected ? looked : null;
  const error = followed?.error ? problemText(t, followed.error) : null;
  const [rows, setRows] = useState<(SagaLog | { globalNo: string; failed: true })[] | null>(null);
  const view = useSagaEvents(followed?.initial ? followed.globalNo : null, followed?.initial);

  useEffect(() => {
    const mine = rememberedSagas();
    void Promise.all(mine.map((s) => api<SagaLog>(`/api/sagas/${encodeURIComponent(s.globalNo)}`).then((log) => ({ ...log, kind: log.kind ?? s.kind, saPponContNo: log.saPponContNo ?? s.contractNo, startedAt: log.startedAt ?? s.at }), () => ({ globalNo: s.globalNo, failed: true as const })))).then(setRows);
  }, [view?.done]);

  useEffect(() => {
    if (!selected) return;
    let live = true;
    void api<SagaLog>(`/api/sagas/${encodeURIComponent(selected)}`).then(
      (log) => live && setLooked({ globalNo: selected, initial: { kind: log.kind, saPponContNo: log.saPponContNo, ...(log.state !== 'START' ? { state: log.state, steps: log.steps, reasonCode: log.reasonCode, done: true } : {}) } }),
      (error: unknown) => live && setLooked({ globalNo: selected, error }),
    );
    return () => {
      live = false;
    };
  }, [selected]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (lookup.trim()) navigate(`/sagas?globalNo=${encodeURIComponent(lookup.trim())}`);
  };
  return (
    <section aria-labelledby="sagas-title">
      <h1 id="sagas-title">{t('sagas')}</h1>
      <form onSubmit={submit} className="search">
        <label htmlFor="saga-no">{t('sagaLookup')}</label>
        <input id="saga-no" value={lookup} onChange={(e) => setLookup(e.target.value)} />
        <button type="submit">{t('follow')}</button>
      </form>
      {error && <p role="alert">{error}</p>}
      {view && <SagaProgress view={view} />}
      {view?.saPponContNo ? (
        <p>
          <Link to={`/contracts/${view.saPponContNo}`} className="button">
            {t('openContract', { no: view.saPponContNo })}
          </Link>
        </p>
      ) : null}
      <h2>{t('recentSagas')}</h2>
      {rows === null ? (
        <p>{t('loading')}</p>
      ) : rows.length === 0 ? (
        <p>{t('noSagas')}</p>
      ) : (
        <table className="grid sagas">
          <thead>
            <tr>
              <th scope="col">{t('sagaStarted')}</th>
              <th scope="col">{t('sagaContract')}</th>
              <th scope="col">{t('sagaKind')}</th>
              <th scope="col">{t('sagaState')}</th>
              <th scope="col">{t('historySaga')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.globalNo} data-saga={r.globalNo}>
                {'failed' in r ? (
                  <td colSpan={5}>⚠ {t('partError')}</td>
                ) : (
                  <>
                    <td className="nowrap">{format.date(r.startedAt)}</td>
                    <td>{r.saPponContNo ? <Link to={`/contracts/${r.saPponContNo}`}>{t('detail', { no: r.saPponContNo })}</Link> : '—'}</td>
                    <td>{r.kind === 'amd' ? t('sagaKind.amd') : t('sagaKind.reg')}</td>
                    <td data-state={r.state}>{sagaStateText(t, r.state)}</td>
                    <td>
                      <Link to={`/sagas?globalNo=${encodeURIComponent(r.globalNo)}`} aria-label={`${t('follow')} — ${t('historySaga')} ${r.globalNo}`}>
                        {t('follow')}
                      </Link>
                    </td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
