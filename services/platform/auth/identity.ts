import { z } from 'zod';

/** The roles of the identity contract (README "Identity"). */
export type Role = 'viewer' | 'agent' | 'supervisor' | 'operator' | 'saga';

/** Who a verified token says is calling. */
export interface Identity {
  sub: string;
  name: string;
  roles: string[];
  /** The OAuth client that obtained the token (`client_id` / `azp`). */
  clientId?: string;
}

/**
 * The user a saga step acts for, as MS1 verified them, carried from MS1 to MS2/MS3 in
 * `x-acting-user` (base64url JSON). Believed only when the caller's own token has the `saga` role.
 */
export const ACTING_USER_HEADER = 'x-acting-user';
export const actingUserSchema = z.object({ sub: z.string().min(1).max(255), name: z.string().max(255), roles: z.array(z.string().max(100)).max(50) }).strict();

export const encodeActingUser = (who: Identity) => Buffer.from(JSON.stringify({ sub: who.sub, name: who.name, roles: who.roles })).toString('base64url');

declare module 'express-serve-static-core' {
  interface Request {
    /** The caller, from its verified bearer token. */
    identity?: Identity;
    /** Whom the call acts for: the caller itself, or (saga calls) the user MS1 verified. */
    actor?: Identity;
  }
}
