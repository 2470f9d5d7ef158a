import request from 'supertest';
import type { RunningBff } from '../../support/bff';
import { DEMO, loginVia } from '../../support/login';
import { sessionCookieOf, type BffSystem } from '../../support/system';

/** Logs in through the real SSO and returns the session cookie (`name=value`) for raw requests. */
export async function loginCookie(sys: BffSystem, bff: RunningBff, who = DEMO): Promise<string> {
  const { callback } = await loginVia(bff.url, request.agent(sys.sso.issuer), sys.sso.issuer, who);
  return sessionCookieOf(callback, bff.config.sessionCookieName)!.split(';')[0];
}
