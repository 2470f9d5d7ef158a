import type { Store } from 'express-session';
import type { BffConfig } from '../../config/bff-config';
import type { OidcProvider } from './oidc-metadata';
import type { RevocationQueue } from '../session/revocation-queue';
import type { SessionIndex } from '../session/session-index';
import { revokeRefreshToken } from './revoke-refresh-token';
import type { IndexedSession } from '../session/session-index';

/**
 * Ends sessions found through the index, in either app: the session is deleted (its browser is
 * logged out on its next request) and its refresh token revoked at the SSO — at once when this
 * app's client owns it, else by the owning app, which takes it from its revocation queue.
 * Returns how many sessions were still there to end.
 */
/** What ending sessions needs of the runtime (a narrow view: core/auth does not import core/runtime). */
export interface EndSessionsDeps {
  config: BffConfig;
  sessionIndex: SessionIndex;
  revocations?: RevocationQueue;
  oidc: OidcProvider;
  sessionStore: Store;
}

export async function endSessions(runtime: EndSessionsDeps, sub: string, sessions: readonly IndexedSession[], log?: { warn(obj: object, msg: string): void }): Promise<number> {
  const { config, sessionIndex, revocations, oidc } = runtime;
  const ended = await Promise.all(
    sessions.map(async (session) => {
      const existed = await sessionIndex.end(session, sub);
      // This app's own sessions also leave its live-session gauge (the store's destroy; the key is gone already).
      if (session.key.startsWith(config.sessionPrefix)) await new Promise<void>((done) => runtime.sessionStore.destroy(session.key.slice(config.sessionPrefix.length), () => done()));
      const token = session.data.tokens?.refreshToken;
      const owner = session.data.app ?? config.app;
      if (token && (owner === config.app || !revocations)) await revokeRefreshToken(oidc, token, log);
      else if (token) await revocations?.enqueue(owner, token).catch((err: unknown) => log?.warn({ err }, 'refresh token could not be handed to its app'));
      return existed;
    }),
  );
  return ended.filter(Boolean).length;
}
