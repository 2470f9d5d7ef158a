import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../shared/api';
import { SORTS, STATES, searchFromUrl, searchQuery, type Search, type SearchKey } from '../shared/contract-search';
import { useT, type MessageKey } from '../shared/i18n';
import { Link, navigate } from '../shared/router';
import { useSession } from '../shared/session';

type Row = Record<string, unknown> | null;
export interface PcContract {
  saPponContNo: number;
  partial: boolean;
  errors: Partial<Record<'inetaplca' | 'intelnet', string>>;
  ppon: Record<string, unknown>;
  inetaplca: Row;
  intelnet: Row;
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

const PART_STATUS = (row: Row, error?: string) => (row ? `${String(row.transacSttus ?? '')}${row.delYn === 'Y' ? ' · del' : ''}` : error ? `⚠ ${error}` : '—');
const SORT_LABELS: Record<(typeof SORTS)[number], MessageKey> = { no: 'no', contr: 'contractor', payr: 'payer', svcNo: 'serviceNo', cardNo: 'cardNo', mkeDate: 'registered', amdDate: 'registered', state: 'state' };
const TEXT_FIELDS: { key: SearchKey; id: string; label: MessageKey }[] = [
  { key: 'contr', id: 'grid-q', label: 'contractor' },
  { key: 'payr', id: 'grid-payr', label: 'payer' },
  { key: 'svcNo', id: 'grid-svcNo', label: 'serviceNo' },
  { key: 'cardNo', id: 'grid-cardNo', label: 'cardNo' },
];

/**
 * The contract grid (issue 12: read from the contract view): search by contractor and payer
 * (prefix), service and card number, state and registration dates; sort; keyset pages (the cursor
 * the BFF returns; the ones already passed are kept for Previous). The search lives in the URL.
 */
export function ContractGrid() {
  const t = useT();
  const { profile, can } = useSession();
  const applied = searchFromUrl();
  const appliedKey = searchQuery(applied).toString();
  const [form, setForm] = useState<Search>(applied);
  const [cursors, setCursors] = useState<string[]>([]);
  const [data, setData] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    setCursors([]);
    setForm(searchFromUrl());
  }, [appliedKey]);
  useEffect(() => {
    let live = true;
    const query = searchQuery(applied, { size: String(Math.min(profile.pageSize, 100)), ...(cursor ? { cursor } : {}) });
    setError(null);
    setData(null); // never the previous search's rows under this search's form
    void api<Page>(`/api/contracts?${query}`).then(
      (d) => live && setData(d),
      (err) => live && (setData(null), setError(err instanceof ApiError ? err.message : String(err))),
    );
    return () => {
      live = false;
    };
  }, [appliedKey, cursor, profile.pageSize]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const query = searchQuery(form);
    navigate(`/contracts${query.size ? `?${query}` : ''}`);
  };
  const set = (key: SearchKey) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

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
            <input id={f.id} type="search" maxLength={200} value={form[f.key] ?? ''} onChange={set(f.key)} />
          </span>
        ))}
        <span className="field">
          <label htmlFor="grid-state">{t('state')}</label>
          <select id="grid-state" value={form.state ?? ''} onChange={set('state')}>
            <option value="">{t('anyState')}</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </span>
        <span className="field">
          <label htmlFor="grid-from">{t('dateFrom')}</label>
          <input id="grid-from" type="date" value={form.from ?? ''} onChange={set('from')} />
        </span>
        <span className="field">
          <label htmlFor="grid-to">{t('dateTo')}</label>
          <input id="grid-to" type="date" value={form.to ?? ''} onChange={set('to')} />
        </span>
        <span className="field">
          <label htmlFor="grid-sort">{t('sortBy')}</label>
          <select id="grid-sort" value={form.sort ?? 'no'} onChange={set('sort')}>
            {SORTS.filter((s) => s !== 'amdDate').map((s) => (
              <option key={s} value={s}>
                {t(SORT_LABELS[s])}
              </option>
            ))}
          </select>
          <select id="grid-order" aria-label={t('sortBy')} value={form.order ?? 'desc'} onChange={set('order')}>
            <option value="desc">{t('descending')}</option>
            <option value="asc">{t('ascending')}</option>
          </select>
        </span>
        <button type="submit">{t('search')}</button>
        <button type="button" onClick={() => navigate('/contracts')}>
          {t('reset')}
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {data === null ? (
        !error && <p>{t('loading')}</p>
      ) : (
        <>
          <p className="summary">{t('total', { n: data.total })}</p>
          <div className="grid-wrap">
            <table className="grid">
              <thead>
                <tr>
                  <th scope="col">{t('no')}</th>
                  <th scope="col">{t('contractor')}</th>
                  <th scope="col">{t('payer')}</th>
                  <th scope="col">{t('serviceNo')}</th>
                  <th scope="col">{t('cardNo')}</th>
                  <th scope="col">MS1 ppon</th>
                  <th scope="col">MS2 inetaplca</th>
                  <th scope="col">MS3 intelnet</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((c) => (
                  <tr key={c.saPponContNo} className={c.partial ? 'partial' : undefined} data-contract={c.saPponContNo}>
                    <td>
                      <Link to={`/contracts/${c.saPponContNo}`}>{c.saPponContNo}</Link>
                    </td>
                    <td>{String(c.ppon.contr ?? '')}</td>
                    <td>{String(c.ppon.payr ?? '')}</td>
                    <td>{String(c.ppon.svcNo ?? '')}</td>
                    <td>{String(c.ppon.cardNo ?? '')}</td>
                    <td>{PART_STATUS(c.ppon)}</td>
                    <td>
                      {c.inetaplca ? `#${String(c.inetaplca.saInetaplcaContNo)} ` : ''}
                      {PART_STATUS(c.inetaplca, c.errors.inetaplca)}
                    </td>
                    <td>
                      {c.intelnet ? `#${String(c.intelnet.saIntelnetContNo)} ` : ''}
                      {PART_STATUS(c.intelnet, c.errors.intelnet)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label="pages">
            <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
              {t('prev')}
            </button>
            <span>{t('pageN', { p: cursors.length + 1 })}</span>
            <button type="button" disabled={!data.nextCursor} onClick={() => data.nextCursor && setCursors([...cursors, data.nextCursor])}>
              {t('next')}
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
