import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../shared/api';
import { useT } from '../shared/i18n';
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
}
interface Page {
  page: number;
  size: number;
  total: number;
  partial: boolean;
  items: PcContract[];
}

const PART_STATUS = (row: Row, error?: string) => (row ? `${String(row.transacSttus ?? '')}${row.delYn === 'Y' ? ' · del' : ''}` : error ? `⚠ ${error}` : '—');

/** The contract grid: search by contractor, paging with the profile's page size, composed columns. */
export function ContractGrid() {
  const t = useT();
  const { profile, can } = useSession();
  const params = new URLSearchParams(location.search);
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const [search, setSearch] = useState(q);
  const [data, setData] = useState<Page | null>(null);

  useEffect(() => {
    let live = true;
    const query = new URLSearchParams({ page: String(page), size: String(Math.min(profile.pageSize, 100)), ...(q ? { q } : {}) });
    void api<Page>(`/api/contracts?${query}`).then((d) => live && setData(d), () => undefined);
    return () => {
      live = false;
    };
  }, [q, page, profile.pageSize]);

  const go = (next: { q?: string; page?: number }) => {
    const query = new URLSearchParams({ ...(next.q ?? q ? { q: next.q ?? q } : {}), ...(next.page && next.page > 1 ? { page: String(next.page) } : {}) });
    navigate(`/contracts${query.size ? `?${query}` : ''}`);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go({ q: search.trim(), page: 1 });
  };
  const pages = data ? Math.max(1, Math.ceil(data.total / data.size)) : 1;

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
      <form role="search" onSubmit={submit} className="search">
        <label htmlFor="grid-q">{t('contractor')}</label>
        <input id="grid-q" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        <button type="submit">{t('search')}</button>
      </form>
      {data === null ? (
        <p>{t('loading')}</p>
      ) : (
        <>
          <p className="summary">
            {t('total', { n: data.total })}
            {data.partial && (
              <span className="partial-marker" role="note">
                {' '}
                ⚠ {t('partialHint')}
              </span>
            )}
          </p>
          <div className="grid-wrap">
            <table className="grid">
              <thead>
                <tr>
                  <th scope="col">{t('no')}</th>
                  <th scope="col">{t('contractor')}</th>
                  <th scope="col">{t('payer')}</th>
                  <th scope="col">{t('serviceNo')}</th>
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
                      {c.partial && (
                        <span className="partial-marker" title={t('partial')}>
                          {' '}
                          ⚠ <span className="visually-hidden">{t('partial')}</span>
                        </span>
                      )}
                    </td>
                    <td>{String(c.ppon.contr ?? '')}</td>
                    <td>{String(c.ppon.payr ?? '')}</td>
                    <td>{String(c.ppon.svcNo ?? '')}</td>
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
            <button type="button" disabled={page <= 1} onClick={() => go({ page: page - 1 })}>
              {t('prev')}
            </button>
            <span>{t('page', { p: page, n: pages })}</span>
            <button type="button" disabled={page >= pages} onClick={() => go({ page: page + 1 })}>
              {t('next')}
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
