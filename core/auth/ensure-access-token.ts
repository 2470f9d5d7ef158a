import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { SessionData } from 'express-session';
import * as client from 'openid-client';
import type { Store } from 'express-session';
import type { BffConfig } from '../../config/bff-config';
import type { RedisClient } from '../../lib/redis/create-redis';
import type { BffMetrics } from '../metrics/bff-metrics';
import type { OidcProvider } from './oidc-metadata';
import { AppError } from '../../lib/errors/app-error';
import { sessionTokens } from '../session/session-tokens';
import type { SessionTokens } from '../session/session-types';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * Gives every /api request a usable access token (`req.accessToken`). Shortly before it expires,
 * exactly one request per session refreshes it — across every instance: a Redis lock per session,
 * and the session re-read after the lock is won (another instance may have just refreshed) and
 * while waiting for it. A refused refresh ends the session: 401 SESSION_EXPIRED.
 */
/** What the refresh needs of the runtime (a narrow view, so core/auth does not import core/runtime). */
export interface TokenRefreshDeps {
  config: BffConfig;
  redis?: RedisClient;
  sessionStore: Store;
  oidc: OidcProvider;
  metrics: Pick<BffMetrics, 'tokenRefresh'>;
}

export function ensureAccessToken(runtime: TokenRefreshDeps): RequestHandler {
  const { config, redis, sessionStore: store } = runtime;
  const lockMs = config.ssoTimeoutMs * 2 + 1_000;
  const inProcess = new Map<string, Promise<SessionTokens>>();

  const load = (sid: string) =>
    new Promise<SessionData | null | undefined>((resolve, reject) => store.get(sid, (err, s) => (err ? reject(new AppError('SESSION_STORE_UNAVAILABLE', undefined, {}, { cause: err })) : resolve(s))));
  const save = (sid: string, s: SessionData) =>
    new Promise<void>((resolve, reject) => store.set(sid, s, (err) => (err ? reject(new AppError('SESSION_STORE_UNAVAILABLE', undefined, {}, { cause: err })) : resolve())));
  /** A Redis command of the lock: a store outage is a 503, never a 500 (and never the session's end). */
  const locking = <T>(command: Promise<T>) => command.catch((cause: unknown) => Promise.reject(new AppError('SESSION_STORE_UNAVAILABLE', undefined, {}, { cause })));
  const destroy = (sid: string) => new Promise<void>((resolve) => store.destroy(sid, () => resolve()));

  /** Refreshes at the SSO and stores the result; the caller holds the lock. */
  async function refresh(sid: string): Promise<SessionTokens> {
    const stored = await load(sid);
    if (!stored?.tokens) throw new AppError('SESSION_EXPIRED');
    if (stored.tokens.refreshAt > Date.now()) return stored.tokens; // someone else was quicker
    if (!stored.tokens.refreshToken) {
      await destroy(sid);
      throw new AppError('SESSION_EXPIRED', 'The session cannot be renewed');
    }
    const configuration = await runtime.oidc.client();
    let response: client.TokenEndpointResponse;
    try {
      response = await client.refreshTokenGrant(configuration, stored.tokens.refreshToken);
    } catch (cause) {
      if (cause instanceof client.ResponseBodyError || cause instanceof client.ClientError) {
        runtime.metrics.tokenRefresh('refused');
        // The SSO refused (revoked, expired, logged out): this session is over.
        await destroy(sid);
        throw new AppError('SESSION_EXPIRED', 'The identity provider refused to renew the session', {}, { cause });
      }
      runtime.metrics.tokenRefresh('failed');
      throw new AppError('SSO_UNAVAILABLE', undefined, {}, { cause });
    }
    runtime.metrics.tokenRefresh('ok');
    const tokens = sessionTokens(response, config, stored.tokens);
    await save(sid, { ...stored, tokens });
    return tokens;
  }

  async function acrossInstances(sid: string): Promise<SessionTokens> {
    if (!redis) {
      // The in-process fallback has one instance: a promise per session is the single flight.
      let flight = inProcess.get(sid);
      if (!flight) {
        flight = refresh(sid).finally(() => inProcess.delete(sid));
        inProcess.set(sid, flight);
      }
      return flight;
    }
    const lockKey = `${config.sessionPrefix}refresh-lock:${sid}`;
    const owner = randomUUID();
    const deadline = Date.now() + lockMs + 2_000;
    for (;;) {
      if ((await locking(redis.set(lockKey, owner, 'PX', lockMs, 'NX'))) === 'OK') {
        try {
          return await refresh(sid);
        } finally {
          await redis.eval(RELEASE, 1, lockKey, owner).catch(() => undefined);
        }
      }
      await sleep(50 + Math.random() * 50);
      const stored = await load(sid);
      if (!stored?.tokens) throw new AppError('SESSION_EXPIRED');
      if (stored.tokens.refreshAt > Date.now()) return stored.tokens;
      if (Date.now() > deadline) throw new AppError('SSO_UNAVAILABLE', 'The session could not be renewed in time');
    }
  }

  /** Ends the request's own copy too, or express-session would save it back at the end of the request. */
  const endHere = async (req: Request, res: Response) => {
    req.user = undefined;
    req.sessionExpired = true;
    res.clearCookie(config.sessionCookieName, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.cookieSecure });
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
  };

  return async (req, res, next) => {
    const tokens = req.session?.tokens;
    if (!req.user) return next();
    if (!tokens) {
      // A session from before tokens were kept (or damaged): it cannot call the services; log in again.
      await endHere(req, res);
      return next(new AppError('SESSION_EXPIRED', 'The session holds no tokens; log in again'));
    }
    if (tokens.refreshAt > Date.now()) {
      req.accessToken = tokens.accessToken;
      return next();
    }
    try {
      req.accessToken = (await acrossInstances(req.sessionID)).accessToken;
      next();
    } catch (err) {
      if (err instanceof AppError && err.code === 'SESSION_EXPIRED') await endHere(req, res);
      next(err);
    }
  };
}
