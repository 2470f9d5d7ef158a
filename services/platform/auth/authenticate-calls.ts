import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';
import { AppError } from '../../../lib/errors/app-error';
import { ACTING_USER_HEADER, actingUserSchema, type Identity } from './identity';
import type { TokenVerifier } from './token-verifier';

/** The acting user of the request being handled, for the calls it makes (MS1 → MS2/MS3). */
export const actingUser = new AsyncLocalStorage<Identity>();

const challenge = (error?: string) => `Bearer realm="contract-services"${error ? `, error="${error}"` : ''}`;

/**
 * Every call needs `Authorization: Bearer <JWT>` from the SSO: 401 problem without one or with one
 * that does not verify. Sets `req.identity` (the caller) and `req.actor` (whom the call acts for:
 * the caller, or — only when the caller is the saga itself — the user named in `x-acting-user`),
 * and runs the rest of the request with the actor in `actingUser`, so that MS1's own calls carry it.
 */
export function authenticateCalls(verifier: TokenVerifier): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    // The scheme is case-insensitive (RFC 9110 §11.1); another scheme (Basic, …) carries no bearer token.
    const bearer = /^Bearer +(.*)$/i.exec(header);
    const match = bearer && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.exec(bearer[1]);
    if (!match) {
      res.set('www-authenticate', challenge(bearer ? 'invalid_request' : undefined));
      throw new AppError(bearer ? 'TOKEN_INVALID' : 'TOKEN_REQUIRED');
    }
    let identity: Identity;
    try {
      identity = await verifier.verify(match[0]);
    } catch (err) {
      if (err instanceof AppError && err.code === 'TOKEN_INVALID') res.set('www-authenticate', challenge('invalid_token'));
      throw err;
    }
    let actor = identity;
    const acting = req.get(ACTING_USER_HEADER);
    if (acting && identity.roles.includes('saga')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(acting, 'base64url').toString('utf8'));
      } catch {
        parsed = undefined;
      }
      const checked = actingUserSchema.safeParse(parsed);
      if (!checked.success) throw new AppError('VALIDATION_FAILED', `${ACTING_USER_HEADER} is not a valid acting user`);
      actor = checked.data;
    }
    req.identity = identity;
    req.actor = actor;
    actingUser.run(actor, next);
  };
}
