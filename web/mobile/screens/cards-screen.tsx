import { useEffect, useState } from 'react';
import { api } from '../../shared/api';
import { searchQuery, urlSearch } from '../../shared/contract-search';
import { useFormat } from '../../shared/format';
import { useT } from '../../shared/i18n';
import { IgnoredInUrl } from '../../shared/ignored-in-url';
import { problemText } from '../../shared/problem-text';
import { Link } from '../../shared/router';
import { useSession } from '../../shared/session';
import type { Card } from '../mobile-contract';
import { CardItem } from './card-item';
import { QuickSearch } from './quick-search';

/** The cards, newest first, searched by the URL's filters; "Next" appends the following page (the BFF's cursor). */
export function CardsScreen() {
  const t = useT();
  const format = useFormat();
  const { profile, can } = useSession();
  const { search, ignored } = urlSearch();
  const key = searchQuery(search).toString();
  const [items, setItems] = useState<Card[] | null>(null);
  const [total, setTotal] = useState(0);
  const [next, setNext] = useState<string | null>(null);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  // A failure is kept with the request it answers: the next request shows none.
  const [failed, setFailed] = useState<{ query: string; error: unknown } | null>(null);
  const size = Math.min(profile.pageSize, 100);
  // Other filters start the list again in this render: no request with the previous list's cursor.
  const [listOf, setListOf] = useState(key);
  if (listOf !== key) {
    setListOf(key);
    setCursor(undefined);
    setItems(null);
  }
  const query = searchQuery(search, { size: String(size), ...(cursor ? { cursor } : {}) }).toString();
  useEffect(() => {
    let live = true;
    void api<{ items: Card[]; total: number; nextCursor: string | null }>(`/api/contracts?${query}`).then(
      (d) => {
        if (!live) return;
        setItems((before) => (cursor ? [...(before ?? []), ...d.items] : d.items));
        setTotal(d.total);
        setNext(d.nextCursor);
      },
      (error: unknown) => live && setFailed({ query, error }),
    );
    return () => {
      live = false;
    };
  }, [query, cursor]);
  const error = failed?.query === query ? problemText(t, failed.error) : null;
  return (
    <section aria-labelledby="cards-title">
      <h1 id="cards-title">
        {t('contracts')}
        {/* The count of this search's list only: none while it loads or when it was refused. */}
        {items && ` (${format.number(total)})`}
      </h1>
      <QuickSearch key={key} />
      {can.register && (
        <Link to="/contracts/new" className="button primary wide" data-action="register">
          {t('register')}
        </Link>
      )}
      <IgnoredInUrl keys={ignored} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!items ? (
        !error && <p>{t('loading')}</p>
      ) : items.length === 0 ? (
        <p className="empty" role="status">
          {t('noResults')}
        </p>
      ) : (
        <ul className="cards">
          {items.map((c) => (
            <CardItem key={c.no} c={c} />
          ))}
        </ul>
      )}
      {items && next && (
        <button type="button" className="wide" onClick={() => setCursor(next)}>
          {t('next')}
        </button>
      )}
    </section>
  );
}
