import { useEffect, useState } from 'react';
import { api } from '../../shared/api';
import { useT } from '../../shared/i18n';
import { Link } from '../../shared/router';
import { useSession } from '../../shared/session';
import type { Card } from '../mobile-contract';
import { CardItem } from './card-item';
import { QuickSearch } from './quick-search';

interface Home {
  user: { sub: string; name: string };
  recent: { total: number; partial: boolean; items: Card[] };
}

/** Home in one call: the user, the menu and the recent contracts (/api/home). */
export function HomeScreen() {
  const t = useT();
  const { can } = useSession();
  const [home, setHome] = useState<Home | null>(null);
  useEffect(() => {
    void api<Home>('/api/home').then(setHome, () => undefined);
  }, []);
  if (!home) return <p>{t('loading')}</p>;
  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title">
        {t('home')} · {home.user.name}
      </h1>
      <QuickSearch />
      {can.register && (
        <Link to="/contracts/new" className="button primary wide" data-action="register">
          {t('register')}
        </Link>
      )}
      <h2>
        {t('recent')} ({home.recent.total})
      </h2>
      <ul className="cards">
        {home.recent.items.map((c) => (
          <CardItem key={c.no} c={c} />
        ))}
      </ul>
    </section>
  );
}
