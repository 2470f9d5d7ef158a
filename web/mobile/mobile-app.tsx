import { useEffect, useState, type FormEvent } from 'react';
import { searchFromUrl, searchQuery } from '../shared/contract-search';
import { api, ApiError } from '../shared/api';
import { AppRoot } from '../shared/app-root';
import { ContractForm, FIELDS } from '../shared/contract-form';
import { FilesScreen } from '../shared/files-screen';
import { useT, type MessageKey } from '../shared/i18n';
import { Landing } from '../shared/landing';
import { Link, match, navigate, usePath } from '../shared/router';
import { displayName, SessionClock, useSession, type BffUserInfo } from '../shared/session';
import { LanguageSwitch, SettingsScreen } from '../shared/settings';
import { SessionsScreen } from '../shared/sessions-screen';

interface Card {
  no: number;
  contractor: string | null;
  serviceNumber: string | null;
  status: string;
  partial: boolean;
}
interface DetailCard extends Card {
  madeBy?: string | null;
  viewBehind?: boolean | null;
  parts?: Record<'ppon' | 'inetaplca' | 'intelnet', { no: number | null; state: string | null; error?: string | null }>;
}
interface Home {
  user: { sub: string; name: string };
  menu: { id: string; label: string; path: string }[];
  recent: { total: number; partial: boolean; items: Card[] };
}

function CardItem({ c }: { c: Card }) {
  const t = useT();
  return (
    <li className="card" data-contract={c.no}>
      <Link to={`/contracts/${c.no}`}>
        <span className="card-no">#{c.no}</span>
        <span className="card-name">{c.contractor ?? '—'}</span>
        <span className="card-svc">{c.serviceNumber ?? ''}</span>
        <span className={`badge ${c.status}`}>{t(c.status as MessageKey)}</span>
        {c.partial && <span className="partial-marker"> ⚠ {t('partial')}</span>}
      </Link>
    </li>
  );
}

/** Home in one call: the user, the menu and the recent contracts (/api/home). */
function HomeScreen() {
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

/** Search from home (issue 12): contractor by prefix, or an exact service or card number, on the cards screen. */
function QuickSearch() {
  const t = useT();
  const [text, setText] = useState('');
  const [field, setField] = useState<'contr' | 'svcNo' | 'cardNo'>('contr');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) navigate(`/contracts?${searchQuery({ [field]: text.trim() })}`);
  };
  return (
    <form role="search" className="search" onSubmit={submit}>
      <label htmlFor="home-q" className="visually-hidden">
        {t('search')}
      </label>
      <select aria-label={t('searchIn')} value={field} onChange={(e) => setField(e.target.value as typeof field)}>
        <option value="contr">{t('contractor')}</option>
        <option value="svcNo">{t('serviceNo')}</option>
        <option value="cardNo">{t('cardNo')}</option>
      </select>
      <input id="home-q" type="search" maxLength={200} value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit">{t('search')}</button>
    </form>
  );
}

/** The cards, newest first, searched by the URL's filters; "Next" appends the following page (the BFF's cursor). */
function CardsScreen() {
  const t = useT();
  const { profile, can } = useSession();
  const search = searchFromUrl();
  const key = searchQuery(search).toString();
  const [items, setItems] = useState<Card[] | null>(null);
  const [total, setTotal] = useState(0);
  const [next, setNext] = useState<string | null>(null);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const size = Math.min(profile.pageSize, 100);
  useEffect(() => {
    setCursor(undefined);
    setItems(null);
  }, [key]);
  useEffect(() => {
    const query = searchQuery(search, { size: String(size), ...(cursor ? { cursor } : {}) });
    void api<{ items: Card[]; total: number; nextCursor: string | null }>(`/api/contracts?${query}`).then(
      (d) => {
        setItems((before) => (cursor ? [...(before ?? []), ...d.items] : d.items));
        setTotal(d.total);
        setNext(d.nextCursor);
      },
      (err) => setError(err instanceof ApiError ? err.message : String(err)),
    );
  }, [key, cursor, size]);
  return (
    <section aria-labelledby="cards-title">
      <h1 id="cards-title">
        {t('contracts')} ({total})
      </h1>
      <QuickSearch />
      {can.register && (
        <Link to="/contracts/new" className="button primary wide" data-action="register">
          {t('register')}
        </Link>
      )}
      {error && <p role="alert">{error}</p>}
      {!items ? (
        !error && <p>{t('loading')}</p>
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

function useCard(no: number) {
  const [card, setCard] = useState<DetailCard | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api<DetailCard>(`/api/contracts/${no}`).then(setCard, (err) => setError(err instanceof ApiError ? err.message : String(err)));
  }, [no]);
  return { card, error };
}

function useCanModify(card: DetailCard | null) {
  const { can, user } = useSession();
  if (!card || card.status === 'deleted') return false;
  return can.modifyAny || (can.modifyOwn && (card.madeBy === undefined || [user.sub, user.claims.preferred_username].includes(card.madeBy)));
}

const PART_NAMES = { ppon: 'MS1 ppon', inetaplca: 'MS2 inetaplca', intelnet: 'MS3 intelnet' } as const;

function DetailScreen({ no }: { no: number }) {
  const t = useT();
  const { card, error } = useCard(no);
  const canModify = useCanModify(card);
  if (error) return <p role="alert">{error}</p>;
  if (!card) return <p>{t('loading')}</p>;
  return (
    <section aria-labelledby="card-title" className="detail-card">
      <h1 id="card-title">{t('detail', { no })}</h1>
      <dl>
        <dt>{t('contractor')}</dt>
        <dd>{card.contractor ?? '—'}</dd>
        <dt>{t('serviceNo')}</dt>
        <dd>{card.serviceNumber ?? '—'}</dd>
        <dt>{t('status')}</dt>
        <dd>
          <span className={`badge ${card.status}`}>{t(card.status as MessageKey)}</span>
          {card.partial && <span className="partial-marker"> ⚠ {t('partial')}</span>}
        </dd>
      </dl>
      {card.viewBehind && (
        <p className="note" role="note" data-view-behind>
          {t('viewBehind')}
        </p>
      )}
      {card.parts && (
        <>
          <h2>{t('parts')}</h2>
          <ul className="parts">
            {(Object.keys(PART_NAMES) as (keyof typeof PART_NAMES)[]).map((k) => (
              <li key={k} data-part={k}>
                <strong>{PART_NAMES[k]}</strong> #{card.parts![k].no ?? '—'} · {card.parts![k].state ?? `⚠ ${card.parts![k].error ?? t('partial')}`}
              </li>
            ))}
          </ul>
        </>
      )}
      {canModify && (
        <Link to={`/contracts/${no}/edit`} className="button primary wide" data-action="modify">
          {t('modify')}
        </Link>
      )}
    </section>
  );
}

function EditScreen({ no }: { no: number }) {
  const t = useT();
  const { card, error } = useCard(no);
  const canModify = useCanModify(card);
  if (error) return <p role="alert">{error}</p>;
  if (!card) return <p>{t('loading')}</p>;
  const initial = Object.fromEntries(FIELDS.map((f) => [f.name, f.name === 'contr' ? card.contractor ?? '' : f.name === 'svcNo' ? card.serviceNumber ?? '' : '']));
  return (
    <section aria-labelledby="edit-title">
      <h1 id="edit-title">{t('modifyTitle', { no })}</h1>
      {canModify ? <ContractForm contractNo={no} initial={initial} detailPath={(n) => `/contracts/${n}`} /> : <p>{t('readOnly')}</p>}
    </section>
  );
}

function RegisterScreen() {
  const t = useT();
  const { can } = useSession();
  return (
    <section aria-labelledby="register-title">
      <h1 id="register-title">{t('registerTitle')}</h1>
      {can.register ? <ContractForm detailPath={(n) => `/contracts/${n}`} /> : <p>{t('readOnly')}</p>}
    </section>
  );
}

function Screen() {
  const path = usePath();
  const t = useT();
  if (path === '/signed-out') {
    navigate('/', true);
    return null;
  }
  if (path === '/') return <HomeScreen />;
  if (path === '/contracts') return <CardsScreen />;
  if (path === '/contracts/new') return <RegisterScreen />;
  let m = match('/contracts/:no/edit', path);
  if (m) return <EditScreen no={Number(m.no)} />;
  m = match('/contracts/:no', path);
  if (m) return <DetailScreen no={Number(m.no)} />;
  if (path === '/files') return <FilesScreen camera />;
  if (path === '/settings') return <SettingsScreen />;
  if (path === '/sessions') return <SessionsScreen />;
  return <p>{t('notFound')}</p>;
}

const TAB_LABELS: Record<string, MessageKey> = { home: 'home', contracts: 'contracts', files: 'files', settings: 'settings' };

function Shell({ user, refresh }: { user: BffUserInfo; refresh(slide?: boolean): Promise<void> }) {
  const t = useT();
  const path = usePath();
  const { roles, signOut } = useSession();
  const [menu, setMenu] = useState<{ id: string; label: string; path: string }[]>([]);
  useEffect(() => {
    void api<{ items: typeof menu }>('/api/menu').then((m) => setMenu(m.items), () => undefined);
  }, []);
  return (
    <div className="mobile">
      <header className="top">
        <span className="who" data-testid="user">
          {displayName(user)}
        </span>
        <span className="role" data-testid="role">
          {roles.join(', ')}
        </span>
        <Link to="/sessions" data-menu="sessions">{t('mySessions')}</Link>
        <SessionClock user={user} refresh={refresh} />
        <LanguageSwitch />
        <button type="button" onClick={signOut}>
          {t('signOut')}
        </button>
      </header>
      <main className="content">
        <Screen />
      </main>
      <nav className="tabs" aria-label={t('menu')}>
        {menu.map((item) => (
          <Link key={item.id} to={item.path} data-menu={item.id} aria-current={item.path === path ? 'page' : undefined}>
            {TAB_LABELS[item.id] ? t(TAB_LABELS[item.id]) : item.label}
          </Link>
        ))}
      </nav>
    </div>
  );
}

export function MobileApp() {
  return <AppRoot landing={(signedOut) => <Landing title="appMobile" signedOut={signedOut} returnTo="/" />}>{(user, refresh) => <Shell user={user} refresh={refresh} />}</AppRoot>;
}
