import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../shared/api';
import { useFormat } from '../shared/format';
import { isMessageKey, useT } from '../shared/i18n';
import { problemText } from '../shared/problem-text';
import { Link, navigate, usePath } from '../shared/router';
import { SagaProgress, useSagaEvents, type SagaView } from '../shared/saga-progress';
import { sagaStateText } from '../shared/saga-words';
import { useApiGet } from '../shared/use-api-get';

interface SagaLog {
  globalNo: string;
  kind?: 'reg' | 'amd';
  state: string;
  saPponContNo?: number | null;
  reasonCode?: string | null;
  steps: SagaView['steps'];
}

/** One row of GET /api/sagas (bff-pc): MS1 lists the user's own sagas, or every saga for operators and supervisors. */
interface SagaRow {
  globalNo: string;
  kind: 'reg' | 'amd';
  mode: 'api' | 'event';
  state: string;
  saPponContNo: number;
  startedAt: string;
  endedAt: string | null;
  messageCode: string | null;
}

const STATES = ['START', 'COMPENSATING', 'END', 'CANCEL'] as const;

/**
 * The change monitor: the changes (sagas) the user may see, from MS1 (their own; operators and
 * supervisors every one), newest first, by state and kind, a page at a time, each with its contract,
 * kind, state, times and reason, and a link to its progress; one followed live by its reference
 * (`?globalNo=` in the URL).
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
  const view = useSagaEvents(followed?.initial ? followed.globalNo : null, followed?.initial);
  // The filter and the cursors of the pages seen so far (page n's cursor is cursors[n - 2]); a new filter starts again at page 1.
  const [filter, setFilter] = useState<{ state: string; kind: string }>({ state: '', kind: '' });
  const [cursors, setCursors] = useState<string[]>([]);
  const params = new URLSearchParams({ size: '20' });
  if (filter.state) params.set('state', filter.state);
  if (filter.kind) params.set('kind', filter.kind);
  if (cursors.length) params.set('cursor', cursors[cursors.length - 1]);
  // When a followed saga ends the list is read again (its row's state changed): a trailing `&`
  // changes the path useApiGet follows, not the query the BFF reads.
  const { data: page, error: listError } = useApiGet<{ items: SagaRow[]; nextCursor: string | null }>(`/api/sagas?${params}${view?.done ? '&' : ''}`);
  const rows = page?.items ?? null;
  const pageNo = cursors.length + 1;
  const refilter = (change: Partial<typeof filter>) => {
    setFilter((f) => ({ ...f, ...change }));
    setCursors([]);
  };
  const reason = (code: string | null) => {
    if (!code) return '';
    const key = `problem.${code}`;
    return isMessageKey(key) ? t(key) : t('problem.STEP_FAILED');
  };

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
      <div className="search">
        <label htmlFor="saga-state">{t('sagaStateFilter')}</label>
        <select id="saga-state" value={filter.state} onChange={(e) => refilter({ state: e.target.value })}>
          <option value="">{t('allSagas')}</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {sagaStateText(t, s)}
            </option>
          ))}
        </select>
        <label htmlFor="saga-kind">{t('sagaKindFilter')}</label>
        <select id="saga-kind" value={filter.kind} onChange={(e) => refilter({ kind: e.target.value })}>
          <option value="">{t('allSagas')}</option>
          <option value="reg">{t('sagaKind.reg')}</option>
          <option value="amd">{t('sagaKind.amd')}</option>
        </select>
      </div>
      {listError ? <p role="alert">{problemText(t, listError)}</p> : null}
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
              <th scope="col">{t('sagaEnded')}</th>
              <th scope="col">{t('sagaReason')}</th>
              <th scope="col">{t('historySaga')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.globalNo} data-saga={r.globalNo}>
                <td className="nowrap">{format.date(r.startedAt)}</td>
                <td>{r.saPponContNo ? <Link to={`/contracts/${r.saPponContNo}`}>{t('detail', { no: r.saPponContNo })}</Link> : '—'}</td>
                <td data-kind={r.kind}>{r.kind === 'amd' ? t('sagaKind.amd') : t('sagaKind.reg')}</td>
                <td data-state={r.state}>{sagaStateText(t, r.state)}</td>
                <td className="nowrap">{r.endedAt ? format.date(r.endedAt) : '—'}</td>
                <td data-reason={r.messageCode ?? ''}>{reason(r.messageCode)}</td>
                <td>
                  <Link to={`/sagas?globalNo=${encodeURIComponent(r.globalNo)}`} aria-label={`${t('follow')} — ${t('historySaga')} ${r.globalNo}`}>
                    {t('follow')}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label={t('pageN', { p: pageNo })}>
        <button type="button" disabled={pageNo === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t('prev')}
        </button>
        <span data-page={pageNo}>{t('pageN', { p: pageNo })}</span>
        <button type="button" disabled={!page?.nextCursor} onClick={() => page?.nextCursor && setCursors((c) => [...c, page.nextCursor!])}>
          {t('next')}
        </button>
      </nav>
    </section>
  );
}
