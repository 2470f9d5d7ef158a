import type { RequestHandler } from 'express';
import type { BffConfig } from '../../config/bff-config';
import { sessionExpiry } from '../../core/session/enforce-session-lifetime';
import type { BffUser } from '../../core/session/session-types';

/** `GET /bff/user` (behind requireSession): who is logged in, the session's clock, and the logout link. */
export function user(config: BffConfig): RequestHandler {
  return (req, res) => {
    const who = req.user as BffUser;
    res.set('cache-control', 'no-store').json({
      sub: who.sub,
      name: who.name,
      roles: who.roles,
      claims: who.claims,
      session: sessionExpiry(config, req.session.createdAt ?? Date.now(), req.session.lastSeenAt ?? Date.now()),
      logoutUrl: `/bff/logout?sid=${encodeURIComponent(req.session.logoutSid ?? '')}`,
    });
  };
}
