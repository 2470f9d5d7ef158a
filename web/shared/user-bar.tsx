import { useT } from './i18n';
import { rolesText } from './roles-text';
import { Link } from './router';
import { displayName, SessionClock, useSession, type BffUserInfo } from './session';
import { LanguageSwitch } from './settings';

/**
 * The signed-in bar both apps put in their header: who, in which roles, their sessions, the session
 * clock, the language and sign-out. `labelRole` prefixes the roles with "Role:" (the PC's wider header).
 */
export function UserBar({ user, refresh, labelRole = false }: { user: BffUserInfo; refresh: (slide?: boolean) => Promise<void>; labelRole?: boolean }) {
  const t = useT();
  const { roles, signOut } = useSession();
  return (
    <>
      <span className="who" data-testid="user">
        {displayName(user)}
      </span>
      <span className="role" data-testid="role">
        {labelRole ? `${t('role')}: ` : ''}
        {rolesText(t, roles)}
      </span>
      <Link to="/sessions" data-menu="sessions">{t('mySessions')}</Link>
      <SessionClock user={user} refresh={refresh} />
      <LanguageSwitch />
      <button type="button" onClick={signOut}>
        {t('signOut')}
      </button>
    </>
  );
}
