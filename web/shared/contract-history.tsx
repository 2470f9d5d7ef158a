import { useT } from './i18n';
import { problemText } from './problem-text';
import { Link } from './router';
import { useContractHistory } from './use-contract-history';

/** History with time, author, kind, the fields changed (before → after) and a link to the saga: the PC's table. */
export function ContractHistory({ no, current, sagaPath }: { no: number; current: Record<string, unknown>; sagaPath: (globalNo: string) => string }) {
  const t = useT();
  const { entries, error } = useContractHistory(no, current);
  return (
    <section className="history" aria-labelledby="history-title">
      <h2 id="history-title">{t('history')}</h2>
      {error ? (
        <p className="partial-marker" role="alert">
          ⚠ {problemText(t, error)}
        </p>
      ) : entries === null ? (
        <p>{t('loading')}</p>
      ) : entries.length === 0 ? (
        <p>{t('noHistory')}</p>
      ) : (
        <div className="grid-wrap">
          <table className="grid history-table">
            <thead>
              <tr>
                <th scope="col">{t('historyAt')}</th>
                <th scope="col">{t('historyAuthor')}</th>
                <th scope="col">{t('historyKind')}</th>
                <th scope="col">{t('historyChanges')}</th>
                <th scope="col">{t('historySaga')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e, i) => (
                <tr key={i} data-history={e.globalNo}>
                  <td className="nowrap">{e.when}</td>
                  <td>{e.author}</td>
                  <td data-outcome={e.outcome}>{e.kindText}</td>
                  <td>
                    {e.changes.length === 0 ? (
                      t('nothingChanged')
                    ) : (
                      <ul className="changes">
                        {e.changes.map((c) => (
                          <li key={c.field} data-field={c.field}>
                            <span className="change-field">{c.label}</span>: <span className="nowrap">{c.before}</span> → <span className="nowrap">{c.after}</span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>{e.globalNo ? <Link to={sagaPath(e.globalNo)}>{t('historySaga')}</Link> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
