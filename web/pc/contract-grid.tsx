import { useState, type FormEvent } from 'react';
import { useApiGet } from '../shared/use-api-get';
import { STATES, pageFromUrl, pageUrl, searchQuery, sortedBy, urlSearch, type Search, type SearchKey, type SortKey } from '../shared/contract-search';
import { ContractStateLine, stateOf, type ContractState, type LastChange } from '../shared/contract-state';
import { useFormat } from '../shared/format';
import { useT, type MessageKey } from '../shared/i18n';
import { FieldError, invalidProps } from '../shared/field-error';
import { IgnoredInUrl } from '../shared/ignored-in-url';
import { problemText, refusedFields } from '../shared/problem-text';
import { Link, navigate, usePath } from '../shared/router';
import { useSession } from '../shared/session';
import { textOf } from '../shared/text-of';

type Row = Record<string, unknown> | null;
export interface PcContract {
  saPponContNo: number;
  partial: boolean;
  errors: Partial<Record<'inetaplca' | 'intelnet', string>>;
  /** The parts that do not exist (e.g. removed by a rolled-back registration): nothing to retry. */
  absent?: ('inetaplca' | 'intelnet')[];
  ppon: Record<string, unknown>;
  inetaplca: Row;
  intelnet: Row;
  contractState?: ContractState;
  lastChange?: LastChange | null;
  /** Detail only: the contract view (the lists) holds an older version of this contract. */
  viewBehind?: boolean | null;
}
interface Page {
  size: number;
  total: number;
  nextCursor: string | null;
  partial: boolean;
  items: PcContract[];
}

const TEXT_FIELDS: { key: SearchKey; id: string; label: MessageKey; keyboard?: 'tel' | 'numeric' }[] = [
  { key: 'contr', id: 'grid-q', label: 'field.contr' },
  { key: 'payr', id: 'grid-payr', label: 'field.payr' },
  { key: 'svcNo', id: 'grid-svcNo', label: 'field.svcNo', keyboard: 'tel' },
  { key: 'cardNo', id: 'grid-cardNo', label: 'field.cardNo', keyboard: 'numeric' },
];
/** The grid's columns: label, the sort key a click on the header sorts by, and the cell. */
const COLUMNS: { label: MessageKey; sort: SortKey; nowrap?: boolean }[] = [
  { label: 'field.no', sort: 'no' },
  { label: 'field.contr', sort: 'contr' },
  { label: 'field.payr', sort: 'payr' },
  { label: 'field.svcNo', sort: 'svcNo', nowrap: true },
  { label: 'field.cardNo', sort: 'cardNo', nowrap: true },
  { label: 'field.mkeDate', sort: 'mkeDate', nowrap: true },
  { label: 'field.lastChange', sort: 'state' },
];

/**
 * The contract grid, read from the contract view: search by any part of a name or number, the
 * last change's outcome and registration dates; a click on a column header sorts at once; the
 * search, sort and page live in the URL, so Back and reload keep the place.
 */
export function ContractGrid() {
  const t = useT();
  const format = useFormat();
  usePath(); // re-render on every navigation (query changes included)
  const { profile, can } = useSession();
  const { search: applied, ignored } = urlSearch();
  const { page, cursor } = pageFromUrl();
  const appliedKey = searchQuery(applied).toString();
  const [form, setForm] = useState<Search>(applied);
  // Another search in the URL (a link, back, forward) puts its terms in the form, in this render.
  const [formOf, setFormOf] = useState(appliedKey);
  if (formOf !== appliedKey) {
    setFormOf(appliedKey);
    setForm(applied);
  }
  // Never the previous search's rows under this search's form: the answer is shown for its own query only.
  const query = searchQuery(applied, { size: String(Math.min(profile.pageSize, 100)), ...(cursor ? { cursor } : {}) });
  const answer = useApiGet<Page>(`/api/contracts?${query}`);
  const data = answer.data;
  const error = answer.error ? problemText(t, answer.error) : null;
  // The fields the BFF refused, marked where the agent typed them.
  const refused = refusedFields(answer.error);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(pageUrl('/contracts', { ...form, sort: applied.sort, order: applied.order }, 1));
  };
  const set = (key: SearchKey) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const sortKey = applied.sort ?? 'no';
  const order = applied.order ?? 'desc';

  return (
    <section aria-labelledby="grid-title">
      <div className="title-row">
        <h1 id="grid-title">{t('contracts')}</h1>
        {can.register && (
          <Link to="/contracts/new" className="button primary" data-action="register">
            {t('register')}
          </Link>
        )}
      </div>
      <form role="search" onSubmit={submit} className="search search-grid">
        {TEXT_FIELDS.map((f) => (
          <span key={f.key} className="field">
            <label htmlFor={f.id}>{t(f.label)}</label>
            <input id={f.id} type="search" inputMode={f.keyboard} maxLength={200} value={form[f.key] ?? ''} onChange={set(f.key)} placeholder={t('searchHint')} {...invalidProps(f.id, refused[f.key])} />
            <FieldError id={f.id} code={refused[f.key]} field={f.key} />
          </span>
        ))}
        <span className="field">
          <label htmlFor="grid-state">{t('field.lastChange')}</label>
          <select id="grid-state" value={form.state ?? ''} onChange={set('state')}>
            <option value="">{t('anyState')}</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {t(`filter.${s}`)}
              </option>
            ))}
          </select>
        </span>
        <span className="field">
          <label htmlFor="grid-from">{t('dateFrom')}</label>
          <input id="grid-from" type="date" value={form.from ?? ''} onChange={set('from')} {...invalidProps('grid-from', refused.from)} />
          <FieldError id="grid-from" code={refused.from} field="from" />
        </span>
        <span className="field">
          <label htmlFor="grid-to">{t('dateTo')}</label>
          <input id="grid-to" type="date" value={form.to ?? ''} onChange={set('to')} {...invalidProps('grid-to', refused.to)} />
          <FieldError id="grid-to" code={refused.to} field="to" />
        </span>
        <button type="submit">{t('search')}</button>
        <button type="button" onClick={() => navigate('/contracts')}>
          {t('reset')}
        </button>
      </form>
      <IgnoredInUrl keys={ignored} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {data === null ? (
        !error && <p>{t('loading')}</p>
      ) : (
        <>
          <p className="summary" role="status">
            {data.items.length === 0 ? t('noResults') : t('total', { n: format.number(data.total) })}
          </p>
          {data.items.length > 0 && (
            <div className="grid-wrap">
              <table className="grid">
                <thead>
                  <tr>
                    {COLUMNS.map((c) => {
                      const active = sortKey === c.sort;
                      return (
                        <th scope="col" key={c.sort} aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : undefined}>
                          <button type="button" className="sort" data-sort={c.sort} onClick={() => navigate(pageUrl('/contracts', sortedBy(applied, c.sort), 1))}>
                            {t(c.label)}
                            <span aria-hidden="true">{active ? (order === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                          </button>
                        </th>
                      );
                    })}
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((c) => {
                    const state = stateOf(c, c.ppon);
                    return (
                      <tr key={c.saPponContNo} className={c.partial ? 'partial' : undefined} data-contract={c.saPponContNo}>
                        <td>
                          <Link to={`/contracts/${c.saPponContNo}`}>{c.saPponContNo}</Link>
                        </td>
                        <td>{textOf(c.ppon.contr)}</td>
                        <td>{textOf(c.ppon.payr)}</td>
                        <td className="nowrap">{textOf(c.ppon.svcNo)}</td>
                        <td className="nowrap">{textOf(c.ppon.cardNo)}</td>
                        <td className="nowrap">{format.date(c.ppon.mkeDate)}</td>
                        <td>
                          <ContractStateLine contractState={state.contractState} lastChange={state.lastChange && { ...state.lastChange, at: undefined }} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          <nav className="pager" aria-label={t('pageN', { p: page })}>
            <button type="button" disabled={page === 1} onClick={() => navigate(pageUrl('/contracts', applied, page - 1))}>
              {t('prev')}
            </button>
            <span data-page={page}>{t('pageN', { p: page })}</span>
            <button type="button" disabled={!data.nextCursor} onClick={() => data.nextCursor && navigate(pageUrl('/contracts', applied, page + 1, data.nextCursor))}>
              {t('next')}
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
