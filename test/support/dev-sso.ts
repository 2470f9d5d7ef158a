import crypto from 'node:crypto';
import path from 'node:path';
import { freePort } from './free-port';
import { spawnReady, type Spawned } from './spawn-ready';
import { DEV_SECRETS, type BffAppName } from '../../config/bff-config';

export interface DevSso extends Spawned {
  issuer: string;
  /** Tokens of each grant type the SSO issued so far, and revocations (its `/dev/stats`). */
  stats(): Promise<{ grants: Record<string, number>; grantErrors: Record<string, number>; revocations: number }>;
  /** A real access token of a dev user, by the authorization-code flow with PKCE (test client). */
  userToken(username: string): Promise<string>;
  /** A real client-credentials token (`contract-operator` by default). */
  clientToken(client?: keyof typeof SERVICE_CLIENTS): Promise<string>;
  /** Registers one more BFF client (dynamic registration), for a second BFF on this same SSO. */
  registerBff(url: string): Promise<{ clientId: string; clientSecret: string }>;
}

const REGISTRATION_TOKEN = 'dev-only-test-registration-token';

/** The identity contract's service clients (config/dev-sso/clients.json). */
export const SERVICE_CLIENTS = {
  'contract-operator': { secret: 'dev-only-contract-operator-secret', roles: ['operator'] },
  'contract-ppon': { secret: 'dev-only-contract-ppon-secret', roles: ['saga'] },
} as const;

export const PASSWORDS: Record<string, string> = { demo: 'demo1234', kim: 'kim1234', lee: 'lee1234', park: 'park1234', ops: 'ops1234' };

/** A client only the tests register: it lets a test log a user in without a BFF (its redirect is never followed). */
const TEST_CLIENT = { client_id: 'contract-test', client_secret: 'dev-only-contract-test-secret', redirect_uri: 'http://127.0.0.1:9/test-callback' };

/** The real dev SSO process, with one client per given BFF origin (and the service clients). */
export async function startDevSso(bffs: { app: BffAppName; url: string }[], env: Record<string, string> = {}): Promise<DevSso> {
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const clients = [
    ...bffs.map(({ app, url }) => ({
      client_id: `bff-${app}`,
      client_secret: DEV_SECRETS[app].client,
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [`${url}/bff/callback`],
      post_logout_redirect_uris: [`${url}/signed-out`],
      backchannel_logout_uri: `${url}/bff/backchannel-logout`,
    })),
    ...Object.entries(SERVICE_CLIENTS).map(([id, c]) => ({ client_id: id, client_secret: c.secret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], roles: c.roles })),
    { client_id: TEST_CLIENT.client_id, client_secret: TEST_CLIENT.client_secret, grant_types: ['authorization_code'], redirect_uris: [TEST_CLIENT.redirect_uri] },
  ];
  const server = path.join(__dirname, '..', '..', 'sandbox', 'dev-sso', 'server.mjs');
  const spawned = await spawnReady(process.execPath, [server], { SSO_PORT: String(port), SSO_ISSUER: issuer, SSO_CLIENTS: JSON.stringify(clients), SSO_REGISTRATION_TOKEN: REGISTRATION_TOKEN, ...env }, /dev-sso ready/);
  const cache = new Map<string, { token: string; exp: number }>();
  const cached = async (key: string, mint: () => Promise<string>) => {
    const hit = cache.get(key);
    if (hit && hit.exp - Date.now() > 20_000) return hit.token;
    const token = await mint();
    cache.set(key, { token, exp: JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp * 1000 });
    return token;
  };
  return {
    ...spawned,
    issuer,
    stats: async () => (await (await fetch(`${issuer}/dev/stats`)).json()) as Awaited<ReturnType<DevSso['stats']>>,
    userToken: (username) => cached(`user:${username}`, () => mintUserToken(issuer, username)),
    registerBff: async (url) => {
      const res = await fetch(`${issuer}/reg`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${REGISTRATION_TOKEN}` },
        body: JSON.stringify({
          token_endpoint_auth_method: 'client_secret_post',
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          redirect_uris: [`${url}/bff/callback`],
          post_logout_redirect_uris: [`${url}/signed-out`],
          backchannel_logout_uri: `${url}/bff/backchannel-logout`,
          backchannel_logout_session_required: true,
        }),
      });
      const body = (await res.json()) as { client_id?: string; client_secret?: string };
      if (!res.ok || !body.client_id || !body.client_secret) throw new Error(`client registration answered ${res.status}: ${JSON.stringify(body)}`);
      return { clientId: body.client_id, clientSecret: body.client_secret };
    },
    clientToken: (client = 'contract-operator') => cached(`client:${client}`, () => mintClientToken(issuer, client, SERVICE_CLIENTS[client].secret)),
  };
}

async function tokenCall(issuer: string, form: Record<string, string>): Promise<string> {
  const res = await fetch(`${issuer}/token`, { method: 'POST', body: new URLSearchParams(form) });
  const body = (await res.json()) as { access_token?: string };
  if (!res.ok || !body.access_token) throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(body)}`);
  return body.access_token;
}

export function mintClientToken(issuer: string, clientId: string, secret: string): Promise<string> {
  return tokenCall(issuer, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
}

/** The browser's part of the authorization-code flow, by hand: authorize → login form → code → token. */
export async function mintUserToken(issuer: string, username: string, password = PASSWORDS[username]): Promise<string> {
  const jar = new Map<string, string>();
  const send = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  };
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const authorize = new URL(`${issuer}/auth`);
  for (const [k, v] of Object.entries({ client_id: TEST_CLIENT.client_id, response_type: 'code', scope: 'openid', redirect_uri: TEST_CLIENT.redirect_uri, code_challenge: challenge, code_challenge_method: 'S256', state: 'test' })) {
    authorize.searchParams.set(k, v);
  }
  let location = authorize.toString();
  for (let hop = 0; hop < 10; hop++) {
    if (location.startsWith(TEST_CLIENT.redirect_uri)) {
      const code = new URL(location).searchParams.get('code');
      if (!code) throw new Error(`no code for ${username}: ${location}`);
      return tokenCall(issuer, { grant_type: 'authorization_code', code, redirect_uri: TEST_CLIENT.redirect_uri, code_verifier: verifier, client_id: TEST_CLIENT.client_id, client_secret: TEST_CLIENT.client_secret });
    }
    let res = await send(location);
    if (res.status === 200) {
      const form = await res.text();
      const action = /action="([^"]+)"/.exec(form)?.[1];
      if (!action) throw new Error(`unexpected SSO page for ${username}`);
      res = await send(new URL(action, issuer).toString(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username, password }).toString() });
      if (res.status === 401) throw new Error(`wrong password for ${username}`);
    }
    const next = res.headers.get('location');
    if (!next) throw new Error(`SSO answered ${res.status} without a redirect`);
    location = new URL(next, issuer).toString();
  }
  throw new Error('too many redirects');
}
