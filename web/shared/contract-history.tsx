import { useEffect, useMemo, useState } from 'react';
import { api } from './api';
import { useFormat } from './format';
import { isMessageKey, useT } from './i18n';
import { Link } from './router';
import { textOf } from './text-of';

export interface HistoryEntry {
  at: string;
  /** null when nothing of the change stayed (a rolled-back modification). */
  author: { id?: string; name?: string | null } | string | null;
  globalNo: string;
  kind: string;
  outcome?: string;
  changes: { field: string; before: unknown; after: unknown }[];
}
type Rows = Record<string, unknown>[] | null;

const SHOWN = ['contr', 'payr', 'svcNo', 'cardNo', 'bcbnConn', 'rack', 'intlTrafc', 'mfamtCont', 'admrInfo', 'apyr', 'saler'];

/**
 * The contract's history as entries (time, author, changes before → after, saga): the BFF's
 * answer when it has `items`; else made from the phone contract's history rows, each the row
 * as it was before a change.
 */
function entriesOf(answer: { entries?: HistoryEntry[]; ppon?: Rows }, current: Record<string, unknown>): HistoryEntry[] {
  if (Array.isArray(answer.entries)) return answer.entries;
  const rows = [...(answer.ppon ?? [])].sort((a, b) => Number(a.saPponContHstNo ?? 0) - Number(b.saPponContHstNo ?? 0));
  const states = [...rows, current];
  return rows
    .map((before, i) => {
      const after = states[i + 1];
      return {
        at: textOf(after.amdDate),
        author: textOf(after.amdrNm ?? after.amdrId),
        globalNo: textOf(after.transacNo),
        kind: 'MODIFY',
        changes: SHOWN.filter((f) => (before[f] ?? null) !== (after[f] ?? null)).map((f) => ({ field: f, before: before[f] ?? null, after: after[f] ?? null })),
      };
    })
    .reverse();
}

/** History with time, author, kind, the fields changed (before → after) and a link to the saga. */
export function ContractHistory({ no, current, sagaPath }: { no: number; current: Record<string, unknown>; sagaPath: (globalNo: string) => string }) {
  const t = useT();
  const format = useFormat();
  // The answer is kept with its contract; the entries are read from it against the current row, so
  // a changed row re-reads them without asking again.
  const [answer, setAnswer] = useState<{ no: number; history: { entries?: HistoryEntry[]; ppon?: Rows } | 'failed' } | null>(null);
  useEffect(() => {
    let live = true;
    void api<{ entries?: HistoryEntry[]; ppon?: Rows }>(`/api/contracts/${no}/history`).then(
      (history) => live && setAnswer({ no, history }),
      () => live && setAnswer({ no, history: 'failed' }),
    );
    return () => {
      live = false;
    };
  }, [no]);
  const history = answer?.no === no ? answer.history : null;
  const entries = useMemo(() => (history === null || history === 'failed' ? history : entriesOf(history, current)), [history, current]);
  const value = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : textOf(v));
  return (
    <section className="history" aria-labelledby="history-title">
      <h2 id="history-title">{t('history')}</h2>
      {entries === null ? (
        <p>{t('loading')}</p>
      ) : entries === 'failed' ? (
        <p className="partial-marker">⚠ {t('partial')}</p>
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
              {entries.map((e, i) => {
                const kind = `kind.${e.kind}`;
                const outcome = `outcome.${e.outcome ?? ''}`;
                const author = typeof e.author === 'string' ? e.author : (e.author?.name ?? e.author?.id ?? '');
                return (
                  <tr key={i} data-history={e.globalNo}>
                    <td className="nowrap">{format.date(e.at)}</td>
                    <td>{author || '—'}</td>
                    <td data-outcome={e.outcome}>
                      {isMessageKey(kind) ? t(kind) : t('kind.MODIFY')}
                      {e.outcome && e.outcome !== 'DONE' && isMessageKey(outcome) ? ` (${t(outcome)})` : ''}
                    </td>
                    <td>
                      {e.changes.length === 0 ? (
                        t('nothingChanged')
                      ) : (
                        <ul className="changes">
                          {e.changes.map((c) => {
                            const label = `field.${c.field}`;
                            return (
                              <li key={c.field} data-field={c.field}>
                                <span className="change-field">{isMessageKey(label) ? t(label) : c.field}</span>: <span className="nowrap">{value(c.before)}</span> → <span className="nowrap">{value(c.after)}</span>
                              </li>
                            );
                          })}
                        </ul>
                      )}
                    </td>
                    <td>{e.globalNo ? <Link to={sagaPath(e.globalNo)}>{t('historySaga')}</Link> : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
