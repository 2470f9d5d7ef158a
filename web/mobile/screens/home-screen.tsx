import { useT } from '../../shared/i18n';
import { codeText, problemText } from '../../shared/problem-text';
import { Link } from '../../shared/router';
import { useSession } from '../../shared/session';
import { useApiGet } from '../../shared/use-api-get';
import type { Card } from '../mobile-contract';
import { CardItem } from './card-item';
import { QuickSearch } from './quick-search';

interface Home {
  user: { sub: string; name: string };
  /** `error`: why the list is missing (the contract list did not answer), an error code. */
  recent: { total: number; partial: boolean; error?: string; items: Card[] };
}

/** Home in one call: the user, the menu and the recent contracts (/api/home); a list that could not be read says why, never "(0)". */
export function HomeScreen() {
  const t = useT();
  const { can } = useSession();
  const { data: home, error } = useApiGet<Home>('/api/home');
  if (error)
    return (
      <p className="error" role="alert">
        {problemText(t, error)}
      </p>
    );
  if (!home) return <p>{t('loading')}</p>;
  const { recent } = home;
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
        {t('recent')}
        {!recent.error && ` (${recent.total})`}
      </h2>
      {recent.error ? (
        <p className="error" role="alert" data-recent-error={recent.error}>
          {codeText(t, recent.error)}
        </p>
      ) : (
        <ul className="cards">
          {recent.items.map((c) => (
            <CardItem key={c.no} c={c} />
          ))}
        </ul>
      )}
    </section>
  );
}
