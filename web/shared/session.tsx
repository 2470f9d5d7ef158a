import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { api, ApiError, currentScreen, signIn } from './api';
import { useT } from './i18n';
import { textOf } from './text-of';

export interface BffUserInfo {
  sub: string;
  name?: string;
  roles?: string[];
  claims: Record<string, unknown>;
  session: { expiresAt: string; absoluteExpiresAt: string; expiresIn?: { idle: number; absolute: number } };
  logoutUrl: string;
}

export interface Profile {
  language: 'ko' | 'en';
  pageSize: number;
  lastMenu: string | null;
  timeZone: string;
}

/** Roles from /bff/user; before the identity work lands everywhere, a user without roles is an agent. */
export function rolesOf(user: BffUserInfo): string[] {
  const roles = user.roles ?? (Array.isArray(user.claims.roles) ? (user.claims.roles as string[]) : undefined);
  return roles && roles.length > 0 ? roles : ['agent'];
}

export interface Permissions {
  register: boolean;
  modifyAny: boolean;
  modifyOwn: boolean;
  files: boolean;
}

/**
 * What the screens may offer, as the services' policy allows it (services/shared/auth/contract-policy.ts):
 * a viewer reads only; an agent changes what they made; a supervisor or operator anything.
 */
export function permissionsOf(roles: string[]): Permissions {
  const has = (r: string) => roles.includes(r);
  const any = has('supervisor') || has('operator');
  return { register: has('agent') || any, modifyAny: any, modifyOwn: has('agent'), files: roles.some((r) => r !== 'viewer') };
}

export const displayName = (u: BffUserInfo) => textOf(u.name ?? u.claims.name ?? u.claims.preferred_username ?? u.sub);

export const SessionContext = createContext<{ user: BffUserInfo; roles: string[]; can: Permissions; profile: Profile; setProfile: (p: Profile) => void; signOut: () => void }>(null as never);
export const useSession = () => useContext(SessionContext);

const POLL_MS = 10_000;

/**
 * The signed-in user, kept fresh: polled without sliding the session (`?slide=false`), so an
 * ended session (idle, absolute, or ended from the other app by back-channel logout) is noticed
 * and the screen goes to sign-in, returning here afterwards.
 */
export function useBffUser(): { user: BffUserInfo | null | undefined; refresh: (slide?: boolean) => Promise<void> } {
  const [user, setUser] = useState<BffUserInfo | null | undefined>(undefined);
  const refresh = useCallback(async (slide = false) => {
    try {
      setUser(await api<BffUserInfo>(`/bff/user${slide ? '' : '?slide=false'}`));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setUser((before) => {
          // Signed in a moment ago and now not: the session ended under this screen.
          if (before) signIn();
          return null;
        });
      }
    }
  }, []);
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), POLL_MS);
    const onVisible = () => document.visibilityState === 'visible' && void refresh();
    document.addEventListener('visibilitychange', onVisible);
    // A page restored from the back/forward cache must ask again (it may show a signed-out session).
    const onShow = (e: PageTransitionEvent) => e.persisted && location.reload();
    window.addEventListener('pageshow', onShow);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('pageshow', onShow);
    };
  }, [refresh]);
  return { user, refresh };
}

/** Ends the session: the contract's GET logout URL, or the older POST /bff/logout + end-session URL. */
export async function signOutOf(user: BffUserInfo): Promise<void> {
  sessionStorage.setItem('signedOut', '1');
  if (!/^\/bff\/logout\/?$/.test(user.logoutUrl)) {
    location.assign(user.logoutUrl);
    return;
  }
  const answer = await api<{ endSessionUrl: string | null }>(user.logoutUrl, { method: 'POST' }).catch(() => ({ endSessionUrl: null }));
  location.assign(answer.endSessionUrl ?? '/signed-out');
}

const WARN_SECONDS = 120;

/** Seconds until the session ends, ticking; and a prompt to stay signed in when it is about to. */
export function SessionClock({ user, refresh }: { user: BffUserInfo; refresh: (slide?: boolean) => Promise<void> }) {
  const t = useT();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.round((Date.parse(user.session.expiresAt) - now) / 1000));
  const absoluteLeft = Math.round((Date.parse(user.session.absoluteExpiresAt) - now) / 1000);
  useEffect(() => {
    if (left === 0) signIn();
  }, [left]);
  const mmss = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  // Near the absolute end only a new login helps: a silent one (prompt=none) back to this screen.
  const stay = () => (absoluteLeft <= WARN_SECONDS ? signIn(currentScreen(), true) : void refresh(true));
  return (
    <>
      <span className="session-clock">
        <span className="label">{t('sessionLeft')}</span> <span className="time">{mmss}</span>
      </span>
      {left <= WARN_SECONDS && left > 0 && (
        <div role="alertdialog" aria-labelledby="session-ending" className="session-warning">
          <p id="session-ending">{t('sessionEnding', { s: left })}</p>
          <button type="button" onClick={stay}>
            {t('staySignedIn')}
          </button>
        </div>
      )}
    </>
  );
}
