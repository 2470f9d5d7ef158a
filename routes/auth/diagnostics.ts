import type { RequestHandler } from 'express';
import type { BffRuntime } from '../../core/runtime/build-bff-runtime';
import { sessionExpiry } from '../../core/session/enforce-session-lifetime';
import type { BffUser } from '../../core/session/session-types';

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);

/**
 * `GET /bff/diagnostics` (development only: BFF_DIAGNOSTICS, refused in production at start-up):
 * what a developer asks first about a session — its claims, when its tokens expire, which SSO and
 * which Redis mode. Never a token: only whether each is held.
 */
export function diagnostics(runtime: BffRuntime): RequestHandler {
  const { config } = runtime;
  return (req, res) => {
    const user = req.user as BffUser;
    const tokens = req.session.tokens;
    res.set('cache-control', 'no-store').json({
      app: config.app,
      sso: { issuer: config.ssoIssuer, clientId: config.ssoClientId, userIssuer: user.issuer },
      redis: { mode: runtime.redis ? config.redis.mode : 'memory' },
      user: { sub: user.sub, name: user.name, roles: user.roles, ssoSid: user.ssoSid ?? null, claims: user.claims },
      session: {
        id: req.session.handle ?? null,
        ...sessionExpiry(config, req.session.createdAt ?? Date.now(), req.session.lastSeenAt ?? Date.now()),
      },
      tokens: {
        accessTokenExpiresAt: iso(tokens?.expiresAt),
        refreshAt: iso(tokens?.refreshAt),
        obtainedAt: iso(tokens?.version),
        accessToken: tokens?.accessToken ? 'held' : 'none',
        refreshToken: tokens?.refreshToken ? 'held' : 'none',
        idToken: tokens?.idToken ? 'held' : 'none',
      },
    });
  };
}
