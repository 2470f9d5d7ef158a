import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { createKeycloakTestClient, KEYCLOAK_ISSUER, keycloakAuthorize, keycloakBrowser } from '../support/keycloak';

// The Keycloak realm (config/keycloak/contract-bff.json) on the real Keycloak that the jest
// global setup starts: the identity contract of COMMON.md, checked as a relying party sees it.
const USERS = [
  { username: 'demo', password: 'demo1234', role: 'agent', name: 'Demo User' },
  { username: 'kim', password: 'kim1234', role: 'agent', name: 'Kim Minji' },
  { username: 'lee', password: 'lee1234', role: 'viewer', name: 'Lee Jiwoo' },
  { username: 'park', password: 'park1234', role: 'supervisor', name: 'Park Seojun' },
  { username: 'ops', password: 'ops1234', role: 'operator', name: 'Ops Desk' },
];
const CLIENTS = { pc: { id: 'bff-pc', secret: 'dev-only-bff-pc-secret-change-me' }, mobile: { id: 'bff-mobile', secret: 'dev-only-bff-mobile-secret-change-me' } };

let discovery: Record<string, unknown>;
const jwks = () => createRemoteJWKSet(new URL(String(discovery.jwks_uri)));
const form = (body: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });

beforeAll(async () => {
  discovery = (await (await fetch(`${KEYCLOAK_ISSUER}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
});

/** An authorization request as the BFF makes it (PKCE S256 unless `pkce: false`), for a port-0 style redirect URI. */
function authorizeRequest(client: { id: string }, options: { pkce?: boolean; redirectUri?: string } = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const redirectUri = options.redirectUri ?? `http://localhost:${40000 + Math.floor(Math.random() * 20000)}/bff/callback`;
  const url = new URL(String(discovery.authorization_endpoint));
  url.search = new URLSearchParams({
    client_id: client.id,
    response_type: 'code',
    scope: 'openid profile email',
    redirect_uri: redirectUri,
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
    ...(options.pkce === false ? {} : { code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' }),
  }).toString();
  return { url: url.toString(), verifier, redirectUri };
}

async function login(client: { id: string; secret: string }, who: { username: string; password: string }) {
  const req = authorizeRequest(client);
  const back = await keycloakAuthorize(req.url, who);
  expect(`${back.origin}${back.pathname}`).toBe(req.redirectUri);
  const code = back.searchParams.get('code');
  expect(code).toBeTruthy();
  const res = await fetch(String(discovery.token_endpoint), form({ grant_type: 'authorization_code', code: code!, redirect_uri: req.redirectUri, client_id: client.id, client_secret: client.secret, code_verifier: req.verifier }));
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; id_token: string; refresh_token: string };
}

describe('Keycloak realm contract-bff (real Keycloak on 127.0.0.1:8180)', () => {
  test('discovery: the issuer, PKCE S256, back-channel logout and an end-session endpoint', () => {
    expect(discovery.issuer).toBe(KEYCLOAK_ISSUER);
    expect(discovery.code_challenge_methods_supported).toContain('S256');
    expect(discovery.backchannel_logout_supported).toBe(true);
    expect(discovery.end_session_endpoint).toBe(`${KEYCLOAK_ISSUER}/protocol/openid-connect/logout`);
  });

  test.each(USERS)('$username logs in on bff-pc (PKCE): the access token carries roles [$role], aud contract-services, sub, name, preferred_username', async (user) => {
    const tokens = await login(CLIENTS.pc, user);
    const { payload } = await jwtVerify(tokens.access_token, jwks(), { issuer: KEYCLOAK_ISSUER, audience: 'contract-services' });
    expect(payload).toMatchObject({ roles: [user.role], name: user.name, preferred_username: user.username, azp: 'bff-pc', sub: expect.any(String) });
    const id = await jwtVerify(tokens.id_token, jwks(), { issuer: KEYCLOAK_ISSUER, audience: 'bff-pc' });
    expect(id.payload).toMatchObject({ roles: [user.role], preferred_username: user.username, sub: payload.sub });
    expect(id.payload.sid).toEqual(expect.any(String)); // back-channel logout names the session by it
  });

  test('bff-mobile logs in too, and its refresh token gives a new access token with the same roles', async () => {
    const tokens = await login(CLIENTS.mobile, USERS[3]);
    const res = await fetch(String(discovery.token_endpoint), form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: CLIENTS.mobile.id, client_secret: CLIENTS.mobile.secret }));
    expect(res.status).toBe(200);
    const refreshed = (await res.json()) as { access_token: string };
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ roles: ['supervisor'], azp: 'bff-mobile', aud: 'contract-services' });
  });

  test('PKCE is required: an authorization request without a code challenge is refused', async () => {
    const req = authorizeRequest(CLIENTS.pc, { pkce: false });
    const back = await keycloakAuthorize(req.url, USERS[0]).catch((err: Error) => err);
    // Keycloak either sends the error back to the client or shows it; never a code.
    if (back instanceof URL) {
      expect(back.searchParams.get('code')).toBeNull();
      expect(back.searchParams.get('error')).toBe('invalid_request');
      expect(back.searchParams.get('error_description')).toMatch(/code_challenge_method/);
    } else {
      expect(back.message).toMatch(/code_challenge/);
    }
  });

  test('a redirect URI outside localhost/127.0.0.1 is refused before any login form', async () => {
    const req = authorizeRequest(CLIENTS.pc, { redirectUri: 'http://evil.example/bff/callback' });
    await expect(keycloakAuthorize(req.url, USERS[0])).rejects.toThrow('Keycloak answered 400: Invalid parameter: redirect_uri');
  });

  test('a wrong password shows the form again with an error; no code is issued', async () => {
    const browser = keycloakBrowser();
    await expect(keycloakAuthorize(authorizeRequest(CLIENTS.pc).url, { username: 'demo', password: 'wrong' }, browser)).rejects.toThrow(/refused the login \(200\): Invalid username or password/);
  });

  test.each([
    { clientId: 'contract-operator', secret: 'dev-only-contract-operator-secret', role: 'operator' },
    { clientId: 'contract-ppon', secret: 'dev-only-contract-ppon-secret', role: 'saga' },
  ])('$clientId gets a client-credentials token with roles [$role] and aud contract-services', async ({ clientId, secret, role }) => {
    const res = await fetch(String(discovery.token_endpoint), form({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }));
    expect(res.status).toBe(200);
    const { access_token: token } = (await res.json()) as { access_token: string };
    const { payload } = await jwtVerify(token, jwks(), { issuer: KEYCLOAK_ISSUER, audience: 'contract-services' });
    expect(payload).toMatchObject({ roles: [role], azp: clientId, sub: expect.any(String) });
    const wrong = await fetch(String(discovery.token_endpoint), form({ grant_type: 'client_credentials', client_id: clientId, client_secret: 'not-the-secret' }));
    expect(wrong.status).toBe(401);
  });
});

describe('a per-run Keycloak client (test/support/keycloak.ts) for port-0 BFFs', () => {
  test('carries its own exact redirect, back-channel and post-logout URLs, and the same roles and audience', async () => {
    const bffUrl = `http://localhost:${40000 + Math.floor(Math.random() * 20000)}`;
    const client = await createKeycloakTestClient('pc', bffUrl);
    try {
      const req = authorizeRequest({ id: client.clientId }, { redirectUri: `${bffUrl}/bff/callback` });
      const back = await keycloakAuthorize(req.url, USERS[2]);
      const res = await fetch(String(discovery.token_endpoint), form({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: req.redirectUri, client_id: client.clientId, client_secret: client.secret, code_verifier: req.verifier }));
      const { access_token: token } = (await res.json()) as { access_token: string };
      expect(decodeJwt(token)).toMatchObject({ roles: ['viewer'], aud: 'contract-services', azp: client.clientId });
      // another port is not this client's
      await expect(keycloakAuthorize(authorizeRequest({ id: client.clientId }, { redirectUri: 'http://localhost:1/bff/callback' }).url, USERS[2])).rejects.toThrow('Invalid parameter: redirect_uri');
    } finally {
      await client.remove();
    }
  }, 60_000); // admin calls and logins: slow when the machine is shared
});

describe('back-channel logout from Keycloak (per-run clients)', () => {
  test('logging out on PC makes Keycloak POST a signed logout token for the same session to the mobile client', async () => {
    // The mobile BFF's back-channel endpoint, as a bare server on port 0.
    const received: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/bff/backchannel-logout') received.push(new URLSearchParams(body).get('logout_token') ?? '');
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, resolve));
    const mobileUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
    const pcUrl = `http://localhost:${40000 + Math.floor(Math.random() * 20000)}`;
    const [pc, mobile] = [await createKeycloakTestClient('pc', pcUrl), await createKeycloakTestClient('mobile', mobileUrl)];
    try {
      const browser = keycloakBrowser();
      const tokensOf = async (client: typeof pc, url: string) => {
        const req = authorizeRequest({ id: client.clientId }, { redirectUri: `${url}/bff/callback` });
        const back = await keycloakAuthorize(req.url, USERS[0], browser); // the second one rides the SSO session
        const res = await fetch(String(discovery.token_endpoint), form({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: req.redirectUri, client_id: client.clientId, client_secret: client.secret, code_verifier: req.verifier }));
        return (await res.json()) as { id_token: string };
      };
      const pcTokens = await tokensOf(pc, pcUrl);
      const mobileTokens = await tokensOf(mobile, mobileUrl);
      const sid = decodeJwt(mobileTokens.id_token).sid;
      expect(decodeJwt(pcTokens.id_token).sid).toBe(sid); // one SSO session, two clients

      const logout = new URL(String(discovery.end_session_endpoint));
      logout.search = new URLSearchParams({ id_token_hint: pcTokens.id_token, client_id: pc.clientId, post_logout_redirect_uri: `${pcUrl}/signed-out` }).toString();
      const done = await browser.request(logout.toString());
      expect({ status: done.status, location: done.location }).toEqual({ status: 302, location: `${pcUrl}/signed-out` });

      const end = Date.now() + 10_000;
      while (received.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      expect(received).toHaveLength(1);
      const { payload } = await jwtVerify(received[0], jwks(), { issuer: KEYCLOAK_ISSUER, audience: mobile.clientId });
      expect(payload).toMatchObject({ sid, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } });
    } finally {
      server.close();
      await Promise.all([pc.remove(), mobile.remove()]);
    }
  }, 60_000);
});
