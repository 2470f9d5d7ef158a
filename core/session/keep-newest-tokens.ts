import type { SessionData, Store } from 'express-session';

/**
 * A session store whose `set` never puts older tokens over newer ones. A request that loaded the
 * session before another instance refreshed its tokens may still save it (its idle clock moved);
 * with rotating refresh tokens, writing its stale copy back would lose the only valid refresh
 * token. So a save re-reads the stored tokens and keeps whichever were obtained last.
 */
export function keepNewestTokens(store: Store): Store {
  const wrapped = Object.create(store) as Store;
  wrapped.set = (sid: string, session: SessionData, callback?: (err?: unknown) => void) => {
    if (!session.tokens) return store.set(sid, session, callback);
    store.get(sid, (err, stored) => {
      if (!err && stored?.tokens && stored.tokens.version > session.tokens.version) session = { ...session, tokens: stored.tokens };
      store.set(sid, session, callback);
    });
  };
  return wrapped;
}
