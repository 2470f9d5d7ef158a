import { AppRoot } from '../shared/app-root';
import { useT, type MessageKey } from '../shared/i18n';
import { Landing } from '../shared/landing';
import { Link, match, navigate, usePath } from '../shared/router';
import { useSession, type BffUserInfo } from '../shared/session';
import { SettingsScreen } from '../shared/settings';
import { UserBar } from '../shared/user-bar';
import { SessionsScreen } from '../shared/sessions-screen';
import { FilesScreen } from '../shared/files-screen';
import { ContractGrid } from './contract-grid';
import { ContractDetail, ModifyScreen } from './contract-detail';
import { RegisterScreen } from '../shared/register-screen';
import { SagaMonitor } from './saga-monitor';
import { useMenu, type MenuItem } from '../shared/menu';
import { SkipLink } from '../shared/skip-link';

/** Menu labels in the user's language, by menu id; the menu file's label otherwise. */
const MENU_LABELS: Record<string, MessageKey> = {
  contracts: 'contracts',
  'contracts.search': 'contractSearch',
  'contracts.register': 'registerTitle',
  'contracts.sagas': 'sagas',
  files: 'files',
  legacy: 'legacySystems',
  'legacy.app': 'legacyNewTab',
  settings: 'settings',
};

/** The menu tree from /api/menu; a group's own entry leads to its first screen. */
function MenuTree({ items }: { items: MenuItem[] }) {
  const path = usePath();
  const t = useT();
  return (
    <ul>
      {items.map((item) => (
        <li key={item.id}>
          {item.path.startsWith('/legacy/') ? (
            // The legacy app is another application: a new tab, so this one stays where it was.
            <a href={item.path} target="_blank" rel="noopener noreferrer" data-menu={item.id}>
              {MENU_LABELS[item.id] ? t(MENU_LABELS[item.id]) : item.label}
            </a>
          ) : (
            <Link to={item.path} aria-current={item.path === path ? 'page' : undefined} data-menu={item.id}>
              {MENU_LABELS[item.id] ? t(MENU_LABELS[item.id]) : item.label}
            </Link>
          )}
          {item.children && <MenuTree items={item.children} />}
        </li>
      ))}
    </ul>
  );
}

function Screen() {
  const path = usePath();
  const t = useT();
  if (path === '/' || path === '/signed-out') {
    navigate('/contracts', true);
    return null;
  }
  if (path === '/contracts') return <ContractGrid />;
  if (path === '/contracts/new') return <RegisterScreen />;
  let m = match('/contracts/:no/edit', path);
  if (m) return <ModifyScreen no={Number(m.no)} />;
  m = match('/contracts/:no', path);
  if (m) return <ContractDetail no={Number(m.no)} />;
  if (path === '/sagas') return <SagaMonitor />;
  if (path === '/files') return <FilesScreen />;
  if (path === '/settings') return <SettingsScreen />;
  if (path === '/sessions') return <SessionsScreen />;
  return <p>{t('notFound')}</p>;
}

function Shell({ user, refresh }: { user: BffUserInfo; refresh: (slide?: boolean) => Promise<void> }) {
  const t = useT();
  const { roles } = useSession();
  const menu = useMenu(roles)?.items ?? [];
  return (
    <div className="pc">
      <SkipLink />
      <header className="top">
        <Link to="/contracts" className="brand">
          {t('appPc')}
        </Link>
        <UserBar user={user} refresh={refresh} labelRole />
      </header>
      <nav aria-label={t('menu')} className="side">
        <MenuTree items={menu} />
      </nav>
      <main className="content" id="content" tabIndex={-1}>
        <Screen />
      </main>
    </div>
  );
}

export function PcApp() {
  return <AppRoot landing={(signedOut) => <Landing title="appPc" signedOut={signedOut} returnTo="/contracts" />}>{(user, refresh) => <Shell user={user} refresh={refresh} />}</AppRoot>;
}
