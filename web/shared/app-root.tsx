import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, signIn } from './api';
import { I18n, translator, type Language } from './i18n';
import { permissionsOf, rolesOf, SessionContext, signOutOf, useBffUser, type BffUserInfo, type Profile } from './session';
import { usePath } from './router';

const PUBLIC = new Set(['/', '/signed-out']);
const browserLanguage = (): Language => (navigator.language.toLowerCase().startsWith('ko') ? 'ko' : 'en');

/**
 * Both apps' outer shell: who is signed in (or the landing page), their profile's language, and
 * what their roles allow. A deep link without a session goes to sign-in and comes back.
 */
export function AppRoot({ landing, children }: { landing: (signedOut: boolean) => ReactNode; children: (user: BffUserInfo, refresh: (slide?: boolean) => Promise<void>) => ReactNode }) {
  const path = usePath();
  const { user, refresh } = useBffUser();
  const [profile, setProfile] = useState<Profile | null>(null);

  useEffect(() => {
    if (user) void api<Profile>('/api/session/profile').then(setProfile, () => undefined);
    if (user === null && !PUBLIC.has(location.pathname)) signIn();
  }, [user]);

  const language = profile?.language ?? browserLanguage();
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const i18n = useMemo(() => ({ t: translator(language), language }), [language]);

  const session = useMemo(() => {
    if (!user || !profile) return null;
    const roles = rolesOf(user);
    return { user, roles, can: permissionsOf(roles), profile, setProfile, signOut: () => void signOutOf(user) };
  }, [user, profile]);

  let body: ReactNode;
  if (user === undefined || (user && !profile)) body = <p className="loading">{i18n.t('loading')}</p>;
  else if (!user) body = PUBLIC.has(path) ? landing(path === '/signed-out' || sessionStorage.getItem('signedOut') === '1') : <p className="loading">{i18n.t('loading')}</p>;
  else body = <SessionContext.Provider value={session!}>{children(user, refresh)}</SessionContext.Provider>;
  if (user) sessionStorage.removeItem('signedOut');
  return <I18n.Provider value={i18n}>{body}</I18n.Provider>;
}
