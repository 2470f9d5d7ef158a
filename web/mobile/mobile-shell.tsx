import { useT, type MessageKey } from '../shared/i18n';
import { useMenu } from '../shared/menu';
import { Link, usePath } from '../shared/router';
import { useSession, type BffUserInfo } from '../shared/session';
import { UserBar } from '../shared/user-bar';
import { SkipLink } from '../shared/skip-link';
import type { ReactNode } from 'react';

const TAB_LABELS: Record<string, MessageKey> = { home: 'home', contracts: 'contracts', sagas: 'mySagas', files: 'files', settings: 'settings' };

/** The phone frame: who is signed in, the session clock, the screen, the tabs at the bottom. */
export function MobileShell({ user, refresh, children }: { user: BffUserInfo; refresh: (slide?: boolean) => Promise<void>; children: ReactNode }) {
  const t = useT();
  const path = usePath();
  const { roles } = useSession();
  const menu = useMenu(roles)?.items ?? [];
  return (
    <div className="mobile">
      <SkipLink />
      <header className="top">
        <UserBar user={user} refresh={refresh} />
      </header>
      <main className="content" id="content" tabIndex={-1}>
        {children}
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
