import { useState, type FormEvent } from 'react';
import { useFormat } from '../shared/format';
import { useT } from '../shared/i18n';
import { problemText } from '../shared/problem-text';
import { Link, navigate, usePath } from '../shared/router';
import { SagaProgress } from '../shared/saga-progress';
import { sagaKindText, sagaReasonText, sagaStateText } from '../shared/saga-words';
import { useFollowedSaga } from '../shared/use-followed-saga';
import { SAGA_STATES, useSagaList } from '../shared/use-saga-list';

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
  const { view, error: followError } = useFollowedSaga(selected);
  const error = followError ? problemText(t, followError) : null;
  // A new filter starts again at page 1 (useSagaList); when a followed saga ends the page is read again (its row's state changed).
  const [filter, setFilter] = useState<{ state: string; kind: string }>({ state: '', kind: '' });
  const { page, error: listError, pageNo, hasNext, next, prev } = useSagaList<SagaRow>(filter, { reload: view?.done });
  const rows = page?.items ?? null;
  const refilter = (change: Partial<typeof filter>) => setFilter((f) => ({ ...f, ...change }));

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
      {error && <p className="error" role="alert">{error}</p>}
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
          {SAGA_STATES.map((s) => (
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
      {listError ? <p className="error" role="alert">{problemText(t, listError)}</p> : null}
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
                <td data-kind={r.kind}>{sagaKindText(t, r.kind)}</td>
                <td data-state={r.state}>{sagaStateText(t, r.state)}</td>
                <td className="nowrap">{r.endedAt ? format.date(r.endedAt) : '—'}</td>
                <td data-reason={r.messageCode ?? ''}>{sagaReasonText(t, r.messageCode)}</td>
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
        <button type="button" disabled={pageNo === 1} onClick={prev}>
          {t('prev')}
        </button>
        <span data-page={pageNo}>{t('pageN', { p: pageNo })}</span>
        <button type="button" disabled={!hasNext} onClick={next}>
          {t('next')}
        </button>
      </nav>
    </section>
  );
}
