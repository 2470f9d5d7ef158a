// The embedded dev SSO: a real OpenID Provider (oidc-provider, certified) in its own process,
// because oidc-provider is ESM-only and the rest of the repository is CommonJS.
// Settings come from the environment (docs/configuration.md#the-dev-sso): SSO_PORT, SSO_ISSUER, SSO_USERS_FILE,
// SSO_CLIENTS (JSON array) or SSO_CLIENTS_FILE, SSO_ACCESS_TOKEN_TTL (seconds, short for tests),
// SSO_REFRESH_TOKEN_TTL, SSO_AUDIENCE, SSO_TLS_CERT_FILE + SSO_TLS_KEY_FILE (serve HTTPS: a production
// BFF talks to an https issuer only). Prints "dev-sso ready <issuer>" when listening.
// The identity contract (docs/identity.md#users-clients-and-roles): JWT access tokens for the contract services
// (aud `contract-services`, top-level `roles`), refresh tokens (rotated), revocation, PKCE S256
// required, client credentials for `contract-operator` [operator] and `contract-ppon` [saga].
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import Provider, { errors } from 'oidc-provider';
// oidc-provider's own in-memory adapter (no `exports` map in 9.13.3, so the file is importable).
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';
import { loginPage } from './login-page.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const port = Number(process.env.SSO_PORT ?? 9000);
const issuer = (process.env.SSO_ISSUER ?? `http://localhost:${port}`).replace(/\/+$/, '');
const usersFile = process.env.SSO_USERS_FILE ?? path.join(repo, 'config', 'dev-sso', 'users.json');
const clientsFile = process.env.SSO_CLIENTS_FILE ?? path.join(repo, 'config', 'dev-sso', 'clients.json');

const accessTokenTtl = Number(process.env.SSO_ACCESS_TOKEN_TTL ?? 300);
const refreshTokenTtl = Number(process.env.SSO_REFRESH_TOKEN_TTL ?? 8 * 3600);
const audience = process.env.SSO_AUDIENCE ?? 'contract-services';
// The contract services as one OAuth resource server; a URN because resource indicators are URIs.
const RESOURCE = `urn:${audience}`;

const users = new Map(JSON.parse(fs.readFileSync(usersFile, 'utf8')).users.map((u) => [u.username, u]));
const clients = JSON.parse(process.env.SSO_CLIENTS ?? fs.readFileSync(clientsFile, 'utf8')).map((c) => ({
  token_endpoint_auth_method: 'client_secret_post',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  ...(c.grant_types?.includes('client_credentials') ? {} : { backchannel_logout_session_required: true }),
  ...c,
}));

// What the tests count: grants by type at the token endpoint, revocations, end-session calls.
const stats = { grants: {}, grantErrors: {}, revocations: 0 };

function passwordMatches(user, password) {
  const [scheme, salt, hash] = String(user.passwordHash).split('$');
  if (scheme !== 'scrypt') return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = crypto.scryptSync(String(password), salt, expected.length);
  return crypto.timingSafeEqual(expected, actual);
}

/**
 * The signing key outlives a restart, as a real IdP's does: a token issued before a crash (held in
 * a BFF session) must still verify at a service that fetches the JWKS afresh after its own restart.
 * Kept in SSO_KEYS_FILE (default data/dev-sso-keys.json, ignored by git), made on first start.
 */
function loadSigningKey(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    const key = { ...crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), use: 'sig', alg: 'RS256' };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(key), { mode: 0o600 });
    fs.renameSync(tmp, file); // atomic: two SSOs starting together end with one key file
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  }
}
const signingKey = loadSigningKey(process.env.SSO_KEYS_FILE ?? path.join(repo, 'data', 'dev-sso-keys.json'));

const provider = new Provider(issuer, {
  // Sessions, grants and codes live in this process: it is the development SSO by design (a
  // restart signs everyone out). Chosen here rather than defaulted to, so oidc-provider does not
  // warn about it on every `npm start`.
  adapter: createMemoryAdapter(),
  clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
  claims: { openid: ['sub', 'sid'], profile: ['name', 'preferred_username', 'roles'], email: ['email', 'email_verified'] },
  // The ID token carries the profile claims itself: the BFF needs no userinfo call.
  conformIdTokenClaims: false,
  extraClientMetadata: {
    properties: ['roles'],
    validator: (_ctx, key, value) => {
      if (key === 'roles' && value !== undefined && !(Array.isArray(value) && value.every((r) => typeof r === 'string'))) throw new Error('roles must be an array of strings');
    },
  },
  // Top-level `roles` (and who the user is) in every access token, users' and service clients' alike.
  extraTokenClaims: async (ctx, token) => {
    if (token.accountId) {
      const user = users.get(token.accountId);
      return user ? { roles: user.roles ?? [], name: user.name, preferred_username: user.username } : { roles: [] };
    }
    const client = await ctx.oidc.provider.Client.find(token.clientId);
    return { roles: client?.roles ?? [], name: token.clientId, preferred_username: token.clientId };
  },
  ttl: {
    AccessToken: accessTokenTtl,
    ClientCredentials: accessTokenTtl,
    RefreshToken: refreshTokenTtl,
    IdToken: 3600,
  },
  // Refresh tokens for every client allowed the grant (no offline_access dance), rotated on each use:
  // a second refresh with the same token fails, which is what makes the BFF's single-flight matter.
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  findAccount: async (_ctx, id) => {
    const user = users.get(id);
    if (!user) return undefined;
    return {
      accountId: id,
      claims: async () => ({ sub: id, name: user.name, preferred_username: id, email: user.email, email_verified: true, roles: user.roles ?? [] }),
    };
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      // The BFF has already asked the user; this page just submits itself.
      logoutSource: async (ctx, form) => {
        ctx.body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Signing out</title></head>
<body>${form}<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<script>document.forms[0].insertAdjacentHTML('beforeend','<input type="hidden" name="logout" value="yes">');document.forms[0].submit()</script></body></html>`;
      },
    },
    backchannelLogout: { enabled: true },
    revocation: { enabled: true },
    clientCredentials: { enabled: true },
    // Dynamic client registration (RFC 7591) only when a registration token is configured: the tests
    // use it to add a second BFF's client to a running SSO, so that services trusting it keep working.
    registration: process.env.SSO_REGISTRATION_TOKEN ? { enabled: true, initialAccessToken: process.env.SSO_REGISTRATION_TOKEN } : { enabled: false },
    resourceIndicators: {
      enabled: true,
      // Every token is for the contract services unless asked otherwise; refreshes keep it.
      defaultResource: async () => RESOURCE,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, resourceIndicator) => {
        if (resourceIndicator !== RESOURCE) throw new errors.InvalidTarget();
        return { scope: 'contracts', audience, accessTokenTTL: accessTokenTtl, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
  pkce: { required: () => true },
  // oidc-provider refuses outgoing calls to loopback addresses (SSRF guard); this dev SSO's
  // relying parties (the BFFs' back-channel logout endpoints) live exactly there.
  fetch: (url, { dispatcher: _loopbackBlocked, ...options }) => globalThis.fetch(url, options),
  // First-party clients: the user is never asked to consent to the BFF reading their profile.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    // A grant revoked meanwhile (its refresh token revoked: a session ended from /bff/sessions) is
    // gone while the SSO session still names it: a new one, or the consent prompt would loop.
    const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
    if (existing) return existing;
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email');
    grant.addResourceScope(RESOURCE, 'contracts');
    await grant.save();
    return grant;
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>SSO error</title></head><body><h1>${out.error}</h1><p>${String(out.error_description ?? '').replace(/[<>&"]/g, '')}</p></body></html>`;
  },
});
provider.on('grant.success', (ctx) => {
  const type = ctx.oidc.params.grant_type;
  stats.grants[type] = (stats.grants[type] ?? 0) + 1;
});
provider.on('grant.error', (ctx) => {
  const type = ctx.oidc.params?.grant_type ?? 'unknown';
  stats.grantErrors[type] = (stats.grantErrors[type] ?? 0) + 1;
});
provider.on('backchannel.error', (_ctx, err, client) => console.error(`dev-sso: back-channel logout to ${client.clientId} failed: ${err.message}`));

const app = express();
app.disable('x-powered-by');

app.get('/interaction/:uid', async (req, res) => {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name !== 'login') {
    // Consent is granted by loadExistingGrant; nothing else to ask.
    return provider.interactionFinished(req, res, { consent: {} }, { mergeWithLastSubmission: true });
  }
  res.type('html').send(loginPage({ uid: req.params.uid, clientId: details.params.client_id }));
});

app.post('/interaction/:uid/login', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
  const details = await provider.interactionDetails(req, res);
  const { username = '', password = '' } = req.body ?? {};
  const user = users.get(String(username));
  if (!user || !passwordMatches(user, password)) {
    res.status(401).type('html').send(loginPage({ uid: req.params.uid, clientId: details.params.client_id, username, error: 'Wrong username or password.' }));
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: user.username } }, { mergeWithLastSubmission: false });
});

app.get('/healthz', (_req, res) => res.json({ ok: true }));
// Dev only: how many tokens of each grant this SSO issued (the refresh race test counts here).
app.get('/dev/stats', (_req, res) => res.json(stats));
app.use((req, _res, next) => {
  if (req.method === 'POST' && req.path === '/token/revocation') stats.revocations += 1;
  next();
});
app.use(provider.callback());
app.use((err, _req, res, _next) => {
  console.error(`dev-sso: ${err.message}`);
  res.status(err.statusCode ?? 500).type('text').send(err.statusCode ? err.message : 'internal error');
});

const tls = process.env.SSO_TLS_CERT_FILE ? { cert: fs.readFileSync(process.env.SSO_TLS_CERT_FILE), key: fs.readFileSync(process.env.SSO_TLS_KEY_FILE ?? '') } : undefined;
const server = (tls ? https.createServer(tls, app) : app).listen(port, () => {
  console.log(`dev-sso ready ${issuer}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
