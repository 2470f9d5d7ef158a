import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import type { BffConfig } from '../../config/bff-config';

/** What a login attempt must remember until the callback: the strategy's checks and where to go. */
export interface LoginState {
  /** What openid-client's strategy keeps (code_verifier, nonce, state). */
  checks: Record<string, unknown>;
  returnTo: string;
  silent: boolean;
}

const keyOf = (secret: string) => Buffer.from(crypto.hkdfSync('sha256', secret, 'bff-login-state', 'aes-256-gcm', 32));

/**
 * The login attempt lives in the browser, not in Redis: one cookie, AES-256-GCM (encrypted and
 * authenticated) under a key derived from the session secret, HttpOnly and short-lived. An
 * anonymous flood of /bff/login therefore writes nothing server-side. Path=/ (not /bff/callback):
 * with COOKIE_SECURE its name carries `__Host-`, which the browser accepts only with Path=/; the
 * price is that it rides along on this origin's requests for the few minutes of a login, where
 * nothing but the callback reads it and the proxy strips cookies before any legacy row.
 * Synchronous on purpose: the cookie must be set in the same tick as the strategy's redirect.
 */
export function loginStateCookie(config: BffConfig) {
  const name = `${config.sessionCookieName}.login`;
  const keys = config.sessionSecret.map(keyOf);
  const options = { httpOnly: true, sameSite: 'lax' as const, secure: config.cookieSecure, path: '/' };
  return {
    write(res: Response, state: LoginState): void {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', keys[0], iv);
      const body = JSON.stringify({ ...state, exp: Date.now() + config.loginStateSeconds * 1000 });
      const sealed = Buffer.concat([iv, cipher.update(body, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64url');
      res.cookie(name, sealed, { ...options, maxAge: config.loginStateSeconds * 1000 });
    },
    /** The attempt, if the cookie is there, intact and not expired; the cookie is cleared either way. */
    take(req: Request, res: Response): LoginState | undefined {
      const raw = cookieValue(req.headers.cookie, name);
      res.clearCookie(name, options);
      if (!raw) return undefined;
      const data = Buffer.from(raw, 'base64url');
      if (data.length < 12 + 16 + 2) return undefined;
      for (const key of keys) {
        try {
          const decipher = crypto.createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
          decipher.setAuthTag(data.subarray(data.length - 16));
          const text = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]).toString('utf8');
          const parsed = JSON.parse(text) as LoginState & { exp: number };
          return parsed.exp > Date.now() ? { checks: parsed.checks, returnTo: parsed.returnTo, silent: parsed.silent } : undefined;
        } catch {
          // not sealed with this key: try the next (older) secret
        }
      }
      return undefined;
    },
  };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}
