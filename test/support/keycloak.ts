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
