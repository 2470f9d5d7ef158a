import request from 'supertest';
import type { Agent } from './login';

/** The realm `npm run infra:keycloak` serves (config/keycloak/contract-bff.json). */
export const KEYCLOAK_ORIGIN = 'http://127.0.0.1:8180';
export const KEYCLOAK_ISSUER = `${KEYCLOAK_ORIGIN}/realms/contract-bff`;

const unescapeHtml = (s: string) => s.replace(/&amp;/g, '&').replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
/** The message Keycloak shows on its form or error page (its themes: `kc-feedback-text`, `#kc-error-message`). */
const messageOf = (html: string) => {
  const found = /(?:kc-feedback-text|id="kc-error-message")[^>]*>([\s\S]*?)<\/(?:span|div)>/.exec(html);
  return found ? found[1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() : 'no message';
};

/**
 * A browser at Keycloak: its own cookie jar, redirects not followed. Keycloak marks its cookies
 * `Secure` even over plain HTTP; browsers still send them to 127.0.0.1 and localhost (potentially
 * trustworthy origins), superagent's jar does not — hence this small jar.
 */
export interface KeycloakBrowser {
  request(url: string, form?: Record<string, string>): Promise<{ status: number; location?: string; text: string }>;
}
export function keycloakBrowser(): KeycloakBrowser {
  const cookies = new Map<string, string>();
  return {
    request: async (url, form) => {
      const res = await fetch(url, {
        method: form ? 'POST' : 'GET',
        redirect: 'manual',
        headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body: form ? new URLSearchParams(form).toString() : undefined,
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair, ...attributes] = line.split(';');
        const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
        const expired = attributes.some((a) => /^\s*max-age=0$/i.test(a)) || value === '';
        if (expired) cookies.delete(name);
        else cookies.set(name, value);
      }
      return { status: res.status, location: res.headers.get('location') ?? undefined, text: await res.text() };
    },
  };
}

/**
 * Plays the browser at Keycloak: opens an authorization URL, fills in Keycloak's login form
 * (`#kc-form-login`, parsed from its HTML) and returns where Keycloak sends the browser back
 * (the client's redirect URI with `code` and `state`, or with `error`). A wrong password throws
 * with Keycloak's message; so does an error page (e.g. an unregistered redirect URI).
 */
export async function keycloakAuthorize(authorizeUrl: string, credentials: { username: string; password: string }, browser: KeycloakBrowser = keycloakBrowser()): Promise<URL> {
  if (new URL(authorizeUrl).origin !== KEYCLOAK_ORIGIN) throw new Error(`not a Keycloak URL: ${authorizeUrl}`);
  const page = await browser.request(authorizeUrl);
  if (page.status === 302 && page.location) return new URL(page.location, KEYCLOAK_ORIGIN); // SSO session already there, or an error sent back
  const form = /<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"/.exec(page.text);
  if (page.status !== 200 || !form) throw new Error(`Keycloak answered ${page.status}: ${messageOf(page.text)}`);
  const posted = await browser.request(unescapeHtml(form[1]), { ...credentials, credentialId: '' });
  if (posted.status !== 302 || !posted.location) throw new Error(`Keycloak refused the login (${posted.status}): ${messageOf(posted.text)}`);
  return new URL(posted.location, KEYCLOAK_ORIGIN);
}

/**
 * The BFF's authorization-code login against Keycloak, as a browser does it: BFF /bff/login →
 * Keycloak's form → BFF callback. Returns the BFF agent (now logged in) and the callback response.
 */
export async function loginViaKeycloak(
  bffUrl: string,
  credentials: { username: string; password: string },
  options: { returnTo?: string; bffAgent?: Agent; browser?: KeycloakBrowser } = {},
) {
  const bff = options.bffAgent ?? request.agent(bffUrl);
  const start = await bff.get(`/bff/login${options.returnTo ? `?returnTo=${encodeURIComponent(options.returnTo)}` : ''}`);
  if (start.status !== 302) throw new Error(`login did not redirect: ${start.status} ${start.text}`);
  const back = await keycloakAuthorize(new URL(start.headers.location, bffUrl).toString(), credentials, options.browser);
  if (back.origin !== new URL(bffUrl).origin) throw new Error(`Keycloak sent the browser to ${back} instead of the BFF`);
  const callback = await bff.get(back.pathname + back.search);
  return { bff, callback };
}

/** Keycloak's admin REST API as the dev admin of `npm run infra:keycloak` (master realm). */
export async function adminFetch(path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  const token = await fetch(`${KEYCLOAK_ORIGIN}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: 'dev-only-admin' }).toString(),
  });
  if (token.status !== 200) throw new Error(`Keycloak admin login failed: ${token.status}`);
  const { access_token: accessToken } = (await token.json()) as { access_token: string };
  const res = await fetch(`${KEYCLOAK_ORIGIN}/admin/realms/contract-bff${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${accessToken}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  if (res.status >= 400) throw new Error(`Keycloak admin ${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

export interface KeycloakTestClient {
  clientId: string;
  secret: string;
  /** Removes the client (and so its sessions' link to this run). */
  remove(): Promise<void>;
}

/**
 * A client of this test run only, copied from the realm's `bff-pc`/`bff-mobile` (same mappers,
 * PKCE, roles in scope) but with this BFF's exact URLs: its redirect URI, its back-channel logout
 * URL (Keycloak holds one per client, so port-0 apps sharing `bff-pc` could not each receive
 * theirs) and its post-logout redirect `<origin>/signed-out`. Runs on one Keycloak never share it.
 */
export async function createKeycloakTestClient(app: 'pc' | 'mobile', bffUrl: string, extraAttributes: Record<string, string> = {}): Promise<KeycloakTestClient> {
  const [template] = (await (await adminFetch(`/clients?clientId=bff-${app}`)).json()) as Record<string, unknown>[];
  const clientId = `bff-${app}-test-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const secret = `test-secret-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const { id: _id, ...rest } = template;
  const attributes = { ...(template.attributes as Record<string, string>), 'backchannel.logout.url': `${bffUrl}/bff/backchannel-logout`, 'post.logout.redirect.uris': `${bffUrl}/signed-out`, ...extraAttributes };
  const mappers = (template.protocolMappers as Record<string, unknown>[]).map(({ id: _mapperId, ...m }) => m);
  const created = await adminFetch('/clients', { method: 'POST', body: { ...rest, clientId, secret, rootUrl: bffUrl, redirectUris: [`${bffUrl}/bff/callback`], attributes, protocolMappers: mappers } });
  const id = created.headers.get('location')!.split('/').pop()!;
  // fullScopeAllowed is off: the application roles must be in the new client's scope, as in the realm file.
  const templateScope = await (await adminFetch(`/clients/${String(template.id)}/scope-mappings/realm`)).json();
  await adminFetch(`/clients/${id}/scope-mappings/realm`, { method: 'POST', body: templateScope });
  return { clientId, secret, remove: async () => void (await adminFetch(`/clients/${id}`, { method: 'DELETE' })) };
}

/** Event types the identity suites read from Keycloak's event store (refreshes and revocations of their clients). */
const STORED_EVENTS = ['REFRESH_TOKEN', 'REFRESH_TOKEN_ERROR', 'REVOKE_GRANT', 'CODE_TO_TOKEN', 'LOGOUT'];

/**
 * Turns on Keycloak's event store for these types (as the realm file does; idempotent, and a
 * Keycloak started from an older realm file gets them too). Keycloak leaves REFRESH_TOKEN out of
 * its default stored types, so it is named here.
 */
export async function enableKeycloakEvents(): Promise<void> {
  const config = (await (await adminFetch('/events/config')).json()) as { eventsEnabled: boolean; eventsExpiration?: number; enabledEventTypes: string[] };
  if (config.eventsEnabled && config.eventsExpiration && STORED_EVENTS.every((t) => config.enabledEventTypes.includes(t))) return;
  // kept a day (as in the realm file), so that a Keycloak left running does not pile them up
  await adminFetch('/events/config', { method: 'PUT', body: { ...config, eventsEnabled: true, eventsExpiration: 86400, enabledEventTypes: [...new Set([...config.enabledEventTypes, ...STORED_EVENTS])] } });
}
