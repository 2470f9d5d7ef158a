import { useT } from '../../shared/i18n';
import { problemText } from '../../shared/problem-text';
import { useContractHistory } from '../../shared/use-contract-history';

/**
 * A contract's history on a phone: one short block per change, newest first — what it was and how
 * it went, when (the profile's zone and language), who, each field changed from what to what (the
 * card as the BFF gives it: masked), and the reference of the change (the saga) it came from.
 */
export function HistoryList({ no }: { no: number }) {
  const t = useT();
  const { entries, error } = useContractHistory(no);
  return (
    <section className="history" aria-labelledby="history-title" aria-busy={entries === null && !error}>
      <h2 id="history-title">{t('history')}</h2>
      {error ? (
        <p className="partial-marker" role="alert" data-history-error>
          ⚠ {problemText(t, error)}
        </p>
      ) : entries === null ? (
        <p>{t('loading')}</p>
      ) : entries.length === 0 ? (
        <p className="empty" data-history-empty>
          {t('noHistory')}
        </p>
      ) : (
        <ol className="history-list">
          {entries.map((e, i) => (
            <li key={i} data-history={e.globalNo} data-kind={e.kind} data-outcome={e.outcome}>
              <p className="history-head">
                <strong className="history-kind">{e.kindText}</strong> <time dateTime={e.instant || undefined}>{e.when}</time>
              </p>
              <p className="history-who">
                {t('historyAuthor')}: <span className="history-author">{e.author}</span>
              </p>
              {e.changes.length > 0 && (
                <dl className="history-changes">
                  {e.changes.map((c) => (
                    <div key={c.field} data-field={c.field}>
                      <dt>{c.label}</dt>
                      <dd>
                        <span className="before">{c.before}</span> → <span className="after">{c.after}</span>
                      </dd>
                    </div>
                  ))}
                </dl>
              )}
              {e.globalNo && (
                <p className="saga-ref">
                  {t('sagaNumber', { no: '' })}
                  <code>{e.globalNo}</code>
                </p>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
