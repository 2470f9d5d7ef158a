/// <reference lib="dom" />
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { validContract } from '../support/valid-contract';
import { chromiumPath, launchChromium } from '../e2e/support/browser';
import { DEMO, expectSsoLoginPage } from '../e2e/support/flows';
import { signInAtSso } from '../e2e/support/screen-checks';
import { freePort } from '../support/free-port';
import { spawnReady, type Spawned } from '../support/spawn-ready';
import { assembleImageTree } from './support/assemble-image-tree';

const root = path.join(__dirname, '..', '..');
/** The image's tree (docker/Dockerfile's final stage), assembled in beforeAll; every compiled process runs from it. */
let tree = '';
const describeInBrowser = describe; // no Chromium fails the run, never skips it (test/support/no-skip-reporter.js)

/** The unprivileged user the system runs as, like the image's `node` user (CI runs the tests as root). */
const idOf = (flag: '-u' | '-g') => Number(execFileSync('id', [flag, 'nobody']).toString().trim());
const AS_NOBODY = { uid: idOf('-u'), gid: idOf('-g') };

const secret = () => randomBytes(24).toString('base64url');

/** Runs a compiled process as nobody until it exits: its exit code and everything it printed. */
/** `output` is stdout and stderr together; `stdout` alone is what a command answers. */
function runToExit(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(tree, 'dist', script)], { ...AS_NOBODY, cwd: tree, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => ((output += c.toString()), (stdout += c.toString())));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => (clearTimeout(timer), resolve({ code, output, stdout })));
  });
}

/**
 * What the image runs, by the same steps (docker/Dockerfile): `npm run build` (server code and both
 * screens), the final stage's files with the production packages only, then every process of the
 * system from that tree's `dist/` with plain `node` and NODE_ENV=production, as an unprivileged user
 * who cannot write the tree, its data (files, SQLite) on a writable directory named by settings.
 * Only the dev SSO (a development part; production has a real SSO) and the test run as root.
 */
describeInBrowser('production build: the whole system from dist/ as an unprivileged user', () => {
  const run = `prod${Date.now().toString(36)}${process.pid}`;
  let data = '';
  const temporary: string[] = [];
  const secrets = { pc: secret(), mobile: secret(), pcSession: secret(), mobileSession: secret(), ppon: secret(), operator: secret() };
  const started: Spawned[] = [];
  let browser: Browser;
  let ports: Record<'sso' | 'ppon' | 'inetaplca' | 'intelnet' | 'view' | 'pc' | 'mobile', number>;
  // A production BFF talks to an https SSO only: the dev SSO serves TLS with a certificate made here.
  const url = (name: keyof typeof ports) => `${name === 'sso' ? 'https' : 'http'}://localhost:${ports[name]}`;

  /** NODE_EXTRA_CA_CERTS: the SSO's certificate, trusted by every compiled process. */
  const trustSso: Record<string, string> = {};
  const serviceEnv = (prefix: string, name: string): Record<string, string> => ({
    ...trustSso,
    NODE_ENV: 'production',
    [`${prefix}_PORT`]: String(ports[name as keyof typeof ports]),
    [`${prefix}_DB_KIND`]: 'sqlite',
    [`${prefix}_SQLITE_FILE`]: path.join(data, `${name}.sqlite`),
    [`${prefix}_REDIS_URL`]: 'redis://127.0.0.1:6379',
    [`${prefix}_CACHE_KEY_PREFIX`]: `${run}:`,
    [`${prefix}_EVENT_TOPIC_PREFIX`]: `${run}.sa-app-samp-ppon-cont-`,
    [`${prefix}_SSO_ISSUER`]: url('sso'),
    [`${prefix}_LOG_LEVEL`]: 'warn',
    // The drain is not under test here: stop at once.
    [`${prefix}_SHUTDOWN_DELAY_MS`]: '0',
  });
  const bffEnv = (app: 'pc' | 'mobile'): Record<string, string> => ({
    ...trustSso,
    NODE_ENV: 'production',
    PORT: String(ports[app]),
    PUBLIC_URL: url(app),
    LOG_LEVEL: 'warn',
    SHUTDOWN_DELAY_MS: '0',
    SSO_ISSUER: url('sso'),
    SSO_CLIENT_SECRET: secrets[app],
    SESSION_SECRET: secrets[`${app}Session`],
    REDIS_URL: 'redis://127.0.0.1:6379',
    SESSION_PREFIX: `${run}:${app}:sess:`,
    COMPOSE_CACHE_PREFIX: `${run}:${app}:view:`,
    FILES_DIR: path.join(data, 'files'),
    FILES_PREFIX: `${run}:files:`,
    PPON_URL: url('ppon'),
    INETAPLCA_URL: url('inetaplca'),
    INTELNET_URL: url('intelnet'),
    CONTRACT_VIEW_URL: url('view'),
  });

  beforeAll(async () => {
    chromiumPath(); // before the build: a machine without Chromium fails at once
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe' });
    tree = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-image-'));
    assembleImageTree(root, tree);
    data = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-data-'));
    fs.chownSync(data, AS_NOBODY.uid, AS_NOBODY.gid);
    const names = ['sso', 'ppon', 'inetaplca', 'intelnet', 'view', 'pc', 'mobile'] as const;
    ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await freePort()]))) as typeof ports;

    const bffClient = (app: 'pc' | 'mobile') => ({
      client_id: `bff-${app}`,
      client_secret: secrets[app],
      redirect_uris: [`${url(app)}/bff/callback`],
      post_logout_redirect_uris: [`${url(app)}/signed-out`],
      backchannel_logout_uri: `${url(app)}/bff/backchannel-logout`,
    });
    const serviceClient = (id: string, clientSecret: string, roles: string[]) => ({ client_id: id, client_secret: clientSecret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], roles });
    const clients = [bffClient('pc'), bffClient('mobile'), serviceClient('contract-ppon', secrets.ppon, ['saga']), serviceClient('contract-operator', secrets.operator, ['operator'])];
    const ssoKeys = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-sso-'));
    temporary.push(ssoKeys);
    fs.chmodSync(ssoKeys, 0o755);
    const [cert, key] = [path.join(ssoKeys, 'cert.pem'), path.join(ssoKeys, 'key.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', key, '-out', cert], { stdio: 'pipe' });
    fs.chmodSync(cert, 0o644);
    Object.assign(trustSso, { NODE_EXTRA_CA_CERTS: cert });
    started.push(
      await spawnReady(process.execPath, [path.join(root, 'sandbox', 'dev-sso', 'server.mjs')], { SSO_PORT: String(ports.sso), SSO_ISSUER: url('sso'), SSO_CLIENTS: JSON.stringify(clients), SSO_KEYS_FILE: path.join(ssoKeys, 'keys.json'), SSO_TLS_CERT_FILE: cert, SSO_TLS_KEY_FILE: key }, /dev-sso ready/),
    );

    const start = async (script: string, env: Record<string, string>, ready: RegExp) => {
      const spawned = await spawnReady(process.execPath, [path.join(tree, 'dist', script)], env, ready, 60_000, { ...AS_NOBODY, cwd: tree });
      started.push(spawned);
      return spawned;
    };
    await Promise.all([
      start('services/inetaplca/main.js', serviceEnv('INETAPLCA', 'inetaplca'), /inetaplca ready on/),
      start('services/intelnet/main.js', serviceEnv('INTELNET', 'intelnet'), /intelnet ready on/),
      start('services/ppon/main.js', { ...serviceEnv('PPON', 'ppon'), PPON_INETAPLCA_URL: url('inetaplca'), PPON_INTELNET_URL: url('intelnet'), PPON_SSO_CLIENT_SECRET: secrets.ppon }, /ppon ready on/),
    ]);
    await Promise.all([
      start(
        'services/contract-view/main.js',
        { ...serviceEnv('CONTRACT_VIEW', 'view'), CONTRACT_VIEW_SQLITE_FILE: path.join(data, 'contract-view.sqlite'), CONTRACT_VIEW_PPON_URL: url('ppon'), CONTRACT_VIEW_INETAPLCA_URL: url('inetaplca'), CONTRACT_VIEW_INTELNET_URL: url('intelnet'), CONTRACT_VIEW_SSO_CLIENT_SECRET: secrets.operator },
        /contract-view ready on/,
      ),
      start('bff-pc/main.js', bffEnv('pc'), /bff-pc ready on/),
      start('bff-mobile/main.js', bffEnv('mobile'), /bff-mobile ready on/),
    ]);
    browser = await launchChromium();
  }, 360_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(started.map((s) => s.stop()));
    for (const dir of [tree, data, ...temporary].filter(Boolean)) fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('runs every process as nobody, from a tree nobody cannot write', async () => {
    const probe = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(path.join(tree, `.probe-${run}`))}, 'x')`], { ...AS_NOBODY, cwd: tree, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.once('exit', () => resolve(err));
    });
    expect(probe).toMatch(/EACCES/);
    // No development package reached the image's tree.
    for (const dev of ['tsx', 'vite', 'react', 'react-dom', 'oidc-provider', 'typescript', 'jest']) expect(fs.existsSync(path.join(tree, 'node_modules', dev))).toBe(false);
    for (const s of started.slice(1)) {
      expect(s.child.spawnargs.join(' ')).toMatch(new RegExp(`^\\S+ ${tree}/dist/\\S+\\.js$`));
      expect(fs.statSync(`/proc/${s.child.pid}`).uid).toBe(AS_NOBODY.uid);
    }
    // Their data went to the directory the settings named.
    expect(fs.readdirSync(data).sort()).toEqual(expect.arrayContaining(['contract-view.sqlite', 'files', 'inetaplca.sqlite', 'intelnet.sqlite', 'ppon.sqlite']));
  });

  it.each(['pc', 'mobile'] as const)('the compiled %s BFF serves its built screen', async (app) => {
    const res = await fetch(`${url(app)}/`, { headers: { accept: 'text/html' } });
    expect(await res.text()).toMatch(/<div id="root">|<script type="module"/);
    expect(res.status).toBe(200);
  });

  it('walks the PC screen in Chromium: sign in through the SSO, the grid shows a contract registered through the BFF', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-US', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${url('pc')}/`);
    await page.getByRole('button', { name: /Sign in|로그인/ }).click();
    await expectSsoLoginPage(page, url('sso'));
    await signInAtSso(page, DEMO);
    await page.waitForURL(`${url('pc')}/contracts`);
    // A fresh system lists nothing yet: the grid's search form is there, the table comes with a row.
    await page.locator('form[role="search"]').waitFor();
    // A contract registered through the BFF (the three services, their saga) reaches the grid via the view.
    const name = `prod build ${run}`;
    const created = await page.evaluate(async (contract) => {
      const res = await fetch('/api/contracts', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf': '1' }, body: JSON.stringify({ contract }) });
      return { status: res.status, no: (await res.json()).saPponContNo as string };
    }, validContract({ contr: name }));
    expect(created.status).toBe(201);
    const row = page.locator(`tr[data-contract="${created.no}"]`);
    // The view follows the services' events: search again until it has caught up.
    for (let i = 0; i < 50 && !(await row.count()); i++) {
      await page.fill('#grid-q', name);
      await page.click('form[role="search"] button[type="submit"]');
      await page.waitForTimeout(200);
    }
    await expect(row.textContent()).resolves.toContain(name);
    await context.close();
  }, 60_000);

  it('runs the compiled operator commands too: the files sweep reports on the files the BFFs share', async () => {
    const { code, output, stdout } = await runToExit('scripts/sweep-files.js', bffEnv('pc'));
    expect(output).not.toMatch(/tsx/);
    expect(code).toBe(0);
    // The report alone on stdout, whatever the command warned of on stderr (a cron job parses it).
    expect(JSON.parse(stdout)).toMatchObject({ app: 'pc', clean: false });
  });

  it('stops with one line naming the setting when a data path is not writable', async () => {
    const locked = fs.mkdtempSync(path.join(os.tmpdir(), 'prod-locked-')); // root's, mode 0700
    temporary.push(locked);
    const cases = [
      { script: 'bff-pc/main.js', env: { ...bffEnv('pc'), PORT: '0', FILES_DIR: path.join(locked, 'files') }, setting: 'FILES_DIR' },
      // With workers, the primary says it once and stops (it does not replace failing workers forever).
      { script: 'bff-mobile/main.js', env: { ...bffEnv('mobile'), PORT: '0', BFF_WORKERS: '2', FILES_DIR: path.join(locked, 'files') }, setting: 'FILES_DIR' },
      { script: 'services/intelnet/main.js', env: { ...serviceEnv('INTELNET', 'intelnet'), INTELNET_PORT: '0', INTELNET_SQLITE_FILE: path.join(locked, 'intelnet.sqlite') }, setting: 'INTELNET_SQLITE_FILE' },
      {
        script: 'services/contract-view/main.js',
        env: { ...serviceEnv('CONTRACT_VIEW', 'view'), CONTRACT_VIEW_PORT: '0', CONTRACT_VIEW_SSO_CLIENT_SECRET: secrets.operator, CONTRACT_VIEW_SQLITE_FILE: path.join(locked, 'view.sqlite') },
        setting: 'CONTRACT_VIEW_SQLITE_FILE',
      },
    ];
    for (const { script, env, setting } of cases) {
      const { code, output } = await runToExit(script, env);
      expect(code).toBe(1);
      const lines = output.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`${setting}: ${locked}`);
      expect(lines[0]).toMatch(/is not writable/);
      expect(output).not.toMatch(/\n\s+at /);
    }
  }, 90_000);
});
