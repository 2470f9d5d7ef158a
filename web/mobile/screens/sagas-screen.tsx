import { useEffect } from 'react';
import { parseInstant, useFormat } from '../../shared/format';
import { useT } from '../../shared/i18n';
import { problemText } from '../../shared/problem-text';
import { Link, usePath } from '../../shared/router';
import { SagaProgress, type SagaView } from '../../shared/saga-progress';
import { sagaKindText, sagaStateShortText, sagaStateText } from '../../shared/saga-words';
import { useFollowedSaga } from '../../shared/use-followed-saga';
import { SAGA_STATES, useSagaList } from '../../shared/use-saga-list';

/** One card of GET /api/sagas on bff-mobile: the user's change (every one for operators and supervisors). */
interface SagaCard {
  globalNo: string;
  kind: 'reg' | 'amd';
  state: string;
  no: number | null;
  startedAt: string;
}

/** This screen with a state filter ('' all) and a followed saga (null none): the URL holds both, so Back and reload keep them. */
function sagasPath(state: string, globalNo: string | null): string {
  const query = new URLSearchParams();
  if (state) query.set('state', state);
  if (globalNo) query.set('globalNo', globalNo);
  const text = query.toString();
  return text ? `/sagas?${text}` : '/sagas';
}

/** The progress box of the followed saga, or why it cannot be shown. */
function Followed({ view, error }: { view: SagaView | null; error: unknown }) {
  const t = useT();
  if (error) return <p className="error" role="alert">{problemText(t, error)}</p>;
  return view ? <SagaProgress view={view} /> : <p>{t('loading')}</p>;
}

/**
 * "My changes" on a phone: the sagas the user started (operators and supervisors: every one), newest
 * first, as compact cards — kind and state in words, when it started (the profile's zone and
 * language), the contract it changed; a filter by state (links, so the URL keeps it); "More" appends
 * the next page. A card's "Show progress" follows that change (`?globalNo=`): live while it runs,
 * its steps and outcome once it ended (web/shared/saga-progress.tsx, as the PC's monitor).
 */
export function SagasScreen() {
  const t = useT();
  const format = useFormat();
  usePath();
  const query = new URLSearchParams(location.search);
  const asked = query.get('state') ?? '';
  const state = (SAGA_STATES as readonly string[]).includes(asked) ? asked : '';
  const selected = query.get('globalNo');
  const { view, error: followError } = useFollowedSaga(selected);
  const { page, error, earlier, hasNext, next } = useSagaList<SagaCard>({ state });
  const items = page || earlier.length ? [...earlier, ...(page?.items ?? [])] : null;
  const listed = Boolean(selected && items?.some((c) => c.globalNo === selected));
  // The followed card stays where the finger was: navigation scrolls to the top, this brings the card back.
  useEffect(() => {
    if (selected) document.querySelector(`[data-saga="${CSS.escape(selected)}"]`)?.scrollIntoView({ block: 'start' });
  }, [selected, listed]);
  // The followed saga's state as it goes on (the list is not read again: the other cards stay put).
  const stateOf = (c: SagaCard) => (view?.globalNo === c.globalNo && view.done ? view.state : c.state);
  return (
    <section aria-labelledby="sagas-title" aria-busy={!page && !error}>
      <h1 id="sagas-title">{t('mySagas')}</h1>
      <p className="note">{t('mySagasHint')}</p>
      <nav className="chips" aria-label={t('sagaStateFilter')}>
        {['', ...SAGA_STATES].map((s) => (
          <Link key={s} to={sagasPath(s, null)} className="button chip" data-filter={s} aria-current={s === state ? 'true' : undefined}>
            {s ? sagaStateShortText(t, s) : t('allSagas')}
          </Link>
        ))}
      </nav>
      {selected && !listed && items && <Followed view={view} error={followError} />}
      {items === null ? (
        !error && <p>{t('loading')}</p>
      ) : items.length === 0 ? (
        <p className="empty" role="status">
          {state ? t('noSagas') : t('noMySagas')}
        </p>
      ) : (
        <ol className="saga-cards">
          {items.map((c) => {
            const open = c.globalNo === selected;
            const shown = stateOf(c);
            return (
              <li key={c.globalNo} className="saga-card" data-saga={c.globalNo} data-kind={c.kind} data-state={shown}>
                <p className="saga-card-head" id={`saga-${c.globalNo}`}>
                  <strong className="saga-kind">{sagaKindText(t, c.kind)}</strong> <span className="saga-state-text">{sagaStateText(t, shown)}</span>
                </p>
                <p className="saga-when">
                  <time dateTime={parseInstant(c.startedAt)?.toISOString()}>{format.date(c.startedAt)}</time>
                </p>
                <p className="saga-card-actions">
                  {c.no ? (
                    <Link to={`/contracts/${c.no}`} className="button" data-action="contract">
                      {t('detail', { no: c.no })}
                    </Link>
                  ) : null}
                  <Link to={sagasPath(state, open ? null : c.globalNo)} className="button" data-action="progress" aria-expanded={open} aria-describedby={`saga-${c.globalNo}`}>
                    {open ? t('hideProgress') : t('showProgress')}
                  </Link>
                </p>
                {open && <Followed view={view} error={followError} />}
              </li>
            );
          })}
        </ol>
      )}
      {error ? <p className="error" role="alert">{problemText(t, error)}</p> : null}
      {items && (hasNext || !page) && !error && (
        <button type="button" className="wide" data-action="more" disabled={!page} onClick={next}>
          {page ? t('more') : t('loading')}
        </button>
      )}
    </section>
  );
}
