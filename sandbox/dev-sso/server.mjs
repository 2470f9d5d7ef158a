// The embedded dev SSO: a real OpenID Provider (oidc-provider, certified) in its own process,
// because oidc-provider is ESM-only and the rest of the repository is CommonJS.
// Settings come from the environment (see README): SSO_PORT, SSO_ISSUER, SSO_USERS_FILE,
// SSO_CLIENTS (JSON array) or SSO_CLIENTS_FILE. Prints "dev-sso ready <issuer>" when listening.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import Provider from 'oidc-provider';
import { loginPage } from './login-page.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const port = Number(process.env.SSO_PORT ?? 9000);
const issuer = (process.env.SSO_ISSUER ?? `http://localhost:${port}`).replace(/\/+$/, '');
const usersFile = process.env.SSO_USERS_FILE ?? path.join(repo, 'config', 'dev-sso', 'users.json');
const clientsFile = process.env.SSO_CLIENTS_FILE ?? path.join(repo, 'config', 'dev-sso', 'clients.json');

const users = new Map(JSON.parse(fs.readFileSync(usersFile, 'utf8')).users.map((u) => [u.username, u]));
const clients = JSON.parse(process.env.SSO_CLIENTS ?? fs.readFileSync(clientsFile, 'utf8')).map((c) => ({
  token_endpoint_auth_method: 'client_secret_post',
  grant_types: ['authorization_code'],
  response_types: ['code'],
  backchannel_logout_session_required: true,
  ...c,
}));

function passwordMatches(user, password) {
  const [scheme, salt, hash] = String(user.passwordHash).split('$');
  if (scheme !== 'scrypt') return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = crypto.scryptSync(String(password), salt, expected.length);
  return crypto.timingSafeEqual(expected, actual);
}

const signingKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [{ ...signingKey, kid: crypto.randomUUID(), use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
  claims: { openid: ['sub', 'sid'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'] },
  findAccount: async (_ctx, id) => {
    const user = users.get(id);
    if (!user) return undefined;
    return {
      accountId: id,
      claims: async () => ({ sub: id, name: user.name, preferred_username: id, email: user.email, email_verified: true }),
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
  },
  pkce: { required: () => false },
  // oidc-provider refuses outgoing calls to loopback addresses (SSRF guard); this dev SSO's
  // relying parties (the BFFs' back-channel logout endpoints) live exactly there.
  fetch: (url, { dispatcher: _loopbackBlocked, ...options }) => globalThis.fetch(url, options),
  // First-party clients: the user is never asked to consent to the BFF reading their profile.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email');
    await grant.save();
    return grant;
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>SSO error</title></head><body><h1>${out.error}</h1><p>${String(out.error_description ?? '').replace(/[<>&"]/g, '')}</p></body></html>`;
  },
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
app.use(provider.callback());
app.use((err, _req, res, _next) => {
  console.error(`dev-sso: ${err.message}`);
  res.status(err.statusCode ?? 500).type('text').send(err.statusCode ? err.message : 'internal error');
});

const server = app.listen(port, () => {
  console.log(`dev-sso ready ${issuer}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
