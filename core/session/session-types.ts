import type { Profile } from './profile-schema';

/** What the BFF keeps about a logged-in user (no tokens: those are in `SessionData.tokens`). */
export interface BffUser {
  sub: string;
  issuer: string;
  /** Display name (`name`, else `preferred_username`). */
  name: string;
  /** The identity contract's roles (the access token's top-level `roles` claim). */
  roles: string[];
  claims: Record<string, unknown>;
  /** The SSO session id (`sid` claim), used by back-channel logout. */
  ssoSid?: string;
}

/** The SSO's tokens: kept in the server-side session only, never in anything the browser receives. */
export interface SessionTokens {
  accessToken: string;
  refreshToken?: string;
  idToken: string;
  /** When the access token expires, and when it is refreshed (a little before), epoch ms. */
  expiresAt: number;
  refreshAt: number;
  /** When these tokens were obtained: a session save never replaces newer tokens with older ones. */
  version: number;
}

declare module 'express-session' {
  interface SessionData {
    createdAt: number;
    lastSeenAt: number;
    profile: Profile;
    passport: { user: BffUser };
    tokens: SessionTokens;
    /** The anti-forgery value of this session's logout URL. */
    logoutSid: string;
    /** The opaque id `/bff/sessions` shows for this session (never its store key, which the cookie carries). */
    handle: string;
    /** The browser that logged in, as the session list shows it ("Chrome on Windows"). */
    client: string;
    /** The app the session belongs to (the index is shared by both). */
    app: 'pc' | 'mobile';
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set when this request found its session past the idle or absolute timeout (and ended it). */
    sessionExpired?: boolean;
    /** The access token for this request's upstream calls (fresh: refreshed if it was about to expire). */
    accessToken?: string;
  }
}
