import request from 'supertest';
import type { BffAppName } from '../../config/bff-config';
import { startDevSso, type DevSso } from './dev-sso';
import { adminFetch, createKeycloakTestClient, enableKeycloakEvents, KEYCLOAK_ISSUER, keycloakAuthorize, keycloakBrowser, type KeycloakBrowser, type KeycloakTestClient } from './keycloak';
import { authorizeAtSso, type Agent } from './login';

/** A browser at the SSO (its own cookie jar): a supertest agent for the dev SSO, a small fetch jar for Keycloak. */
export type SsoBrowser = Agent | KeycloakBrowser;

/**
 * One OIDC provider as the BFF-side identity suites see it: the same suites run on each (the
 * issue's proof that the BFF works with any provider by configuration). Only the browser's part
 * at the provider (its forms) and how a test reads the provider's own records differ.
 */
export interface Sso {
  name: 'dev SSO' | 'Keycloak';
  issuer: string;
  /** The dev SSO process itself (its other test helpers), when this is the dev SSO. */
  dev?: DevSso;
  /** From the provider's discovery document. */
  endpoints: { authorization: string; endSession: string; revocation: string };
  /** The settings that point a BFF app at this provider with the client registered for it in this run. */
  appEnv(app: BffAppName): Record<string, string>;
  browser(): SsoBrowser;
  /**
   * The browser's part: from the authorization URL through the provider's login form (if shown)
   * to the URL it sends the browser back to (not followed). A refused password throws
   * `refused the login (<status>): <the provider's message>`.
   */
  authorize(browser: SsoBrowser, authorizeUrl: string, credentials: { username: string; password: string }, backTo: string): Promise<string>;
  /** Follows the end-session URL as the browser does (confirming where the provider asks) and returns where the provider sends it. */
  endSession(browser: SsoBrowser, endSessionUrl: string): Promise<string>;
  /** True when this browser, sent to the authorization URL, is asked for a password (no SSO session). */
  asksForPassword(browser: SsoBrowser, authorizeUrl: string): Promise<boolean>;
  /** The `sub` and `name` the provider gives a user. */
  user(username: string): Promise<{ sub: string; name: string }>;
  /** Refresh-token grants and token revocations of this run's BFF clients, as the provider recorded them. */
  counts(): Promise<{ refreshes: number; revocations: number }>;
  stop(): Promise<void>;
}

export interface SsoProvider {
  name: Sso['name'];
  /** Registers a client per BFF origin; `accessTokenSeconds` shortens the access tokens of those clients (refresh tests). */
  start(bffs: { app: BffAppName; url: string }[], options?: { accessTokenSeconds?: number }): Promise<Sso>;
}

async function discover(issuer: string): Promise<Sso['endpoints']> {
  const d = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
  return { authorization: d.authorization_endpoint, endSession: d.end_session_endpoint, revocation: d.revocation_endpoint };
}

const pathOf = (u: string) => new URL(u).pathname + new URL(u).search;

/** The embedded dev SSO (sandbox/dev-sso), one process per system; counts from its /dev/stats. */
export const devSsoProvider: SsoProvider = {
  name: 'dev SSO',
  start: async (bffs, options = {}) => {
    const sso: DevSso = await startDevSso(bffs, options.accessTokenSeconds ? { SSO_ACCESS_TOKEN_TTL: String(options.accessTokenSeconds) } : {});
    const users = (await import('../../config/dev-sso/users.json')).users as { username: string; name: string }[];
    return {
      name: 'dev SSO',
      issuer: sso.issuer,
      dev: sso,
      endpoints: await discover(sso.issuer),
      appEnv: () => ({ SSO_ISSUER: sso.issuer }), // the apps' default client ids and dev secrets
      browser: () => request.agent(sso.issuer),
      authorize: async (browser, url, credentials, backTo) => {
        try {
          return await authorizeAtSso(browser as Agent, sso.issuer, url, credentials, backTo);
        } catch (err) {
          const res = (err as { response?: request.Response }).response;
          if (!res) throw err;
          throw new Error(`refused the login (${res.status}): ${/Wrong username or password/.exec(res.text)?.[0] ?? 'no message'}`, { cause: err });
        }
      },
      endSession: async (browser, url) => {
        // its end-session page is a form the browser submits by script
        const agent = browser as Agent;
        const page = await agent.get(pathOf(url)).expect(200);
        const action = /action="([^"]+)"/.exec(page.text)![1];
        const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.text)![1];
        const done = await agent.post(new URL(action).pathname).type('form').send({ xsrf, logout: 'yes' });
        if (done.status !== 303) throw new Error(`end-session answered ${done.status}`);
        return done.headers.location;
      },
      asksForPassword: async (browser, url) => {
        const agent = browser as Agent;
        const authorize = await agent.get(pathOf(url));
        return /name="password"/.test((await agent.get(authorize.headers.location)).text);
      },
      user: async (username) => ({ sub: username, name: users.find((u) => u.username === username)!.name }),
      counts: async () => {
        const stats = await sso.stats();
        return { refreshes: stats.grants.refresh_token ?? 0, revocations: stats.revocations };
      },
      stop: () => sso.stop(),
    };
  },
};

/**
 * The real Keycloak of `npm run infra:keycloak` (started by the jest global setup), with a client
 * of this run per BFF origin (exact redirect, back-channel and post-logout URLs). Counts come from
 * Keycloak's own event store (REFRESH_TOKEN, REVOKE_GRANT events of this run's clients): the
 * provider's record of each grant it issued, as /dev/stats is the dev SSO's — no proxy in between
 * that could count calls Keycloak refused or never saw.
 */
export const keycloakProvider: SsoProvider = {
  name: 'Keycloak',
  start: async (bffs, options = {}) => {
    await enableKeycloakEvents();
    const attributes: Record<string, string> = options.accessTokenSeconds ? { 'access.token.lifespan': String(options.accessTokenSeconds) } : {};
    const clients = new Map<BffAppName, KeycloakTestClient>();
    for (const { app, url } of bffs) clients.set(app, await createKeycloakTestClient(app, url, attributes));
    const events = async (type: string) => {
      let n = 0;
      for (const client of clients.values()) {
        const res = await adminFetch(`/events?client=${encodeURIComponent(client.clientId)}&type=${type}&max=10000`);
        n += ((await res.json()) as unknown[]).length;
      }
      return n;
    };
    return {
      name: 'Keycloak',
      issuer: KEYCLOAK_ISSUER,
      endpoints: await discover(KEYCLOAK_ISSUER),
      appEnv: (app) => ({ SSO_ISSUER: KEYCLOAK_ISSUER, SSO_CLIENT_ID: clients.get(app)!.clientId, SSO_CLIENT_SECRET: clients.get(app)!.secret }),
      browser: () => keycloakBrowser(),
      authorize: async (browser, url, credentials) => (await keycloakAuthorize(url, credentials, browser as KeycloakBrowser)).toString(),
      endSession: async (browser, url) => {
        // with id_token_hint Keycloak ends the session at once and redirects
        const done = await (browser as KeycloakBrowser).request(url);
        if (done.status !== 302 || !done.location) throw new Error(`end-session answered ${done.status}`);
        return done.location;
      },
      asksForPassword: async (browser, url) => {
        const page = await (browser as KeycloakBrowser).request(url);
        return page.status === 200 && /id="kc-form-login"/.test(page.text);
      },
      user: async (username) => {
        const [u] = (await (await adminFetch(`/users?username=${encodeURIComponent(username)}&exact=true`)).json()) as { id: string; firstName?: string; lastName?: string }[];
        return { sub: u.id, name: [u.firstName, u.lastName].filter(Boolean).join(' ') };
      },
      counts: async () => ({ refreshes: await events('REFRESH_TOKEN'), revocations: await events('REVOKE_GRANT') }),
      stop: async () => void (await Promise.all([...clients.values()].map((c) => c.remove()))),
    };
  },
};

/** For `describe.each`: every identity suite on the BFF side runs once per provider. */
export const SSO_PROVIDERS: [string, SsoProvider][] = [
  [devSsoProvider.name, devSsoProvider],
  [keycloakProvider.name, keycloakProvider],
];
