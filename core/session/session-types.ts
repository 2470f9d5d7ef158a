import type { Profile } from './profile-schema';

/** What the BFF keeps about a logged-in user; tokens stay on the server, never in the browser. */
export interface BffUser {
  sub: string;
  issuer: string;
  claims: Record<string, unknown>;
  idToken: string;
  /** The SSO session id (`sid` claim), used by back-channel logout. */
  ssoSid?: string;
}

declare module 'express-session' {
  interface SessionData {
    returnTo: string;
    createdAt: number;
    lastSeenAt: number;
    profile: Profile;
    passport: { user: BffUser };
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set when this request found its session past the idle or absolute timeout (and ended it). */
    sessionExpired?: boolean;
  }
}
