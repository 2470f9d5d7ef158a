import { execFileSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import request from 'supertest';
import { startDevSso, type DevSso } from '../support/dev-sso';
import { freePort } from '../support/free-port';
import { DEMO, loginVia } from '../support/login';
import { spawnReady, type Spawned } from '../support/spawn-ready';
import { testPrefix } from '../support/bff';

const root = path.join(__dirname, '..', '..');

/** One GET on a fresh connection (as a new browser connection would be): status, or the error code. */
function getOnce(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 5_000 }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

const workerPids = (output: string) => [...output.matchAll(/bff-pc worker (\d+) ready/g)].map((m) => Number(m[1]));

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The production way to run: `npm run build` (tsc → dist/), then plain `node dist/bff-pc/main.js`
 * with no TypeScript at run time, here with two cluster workers sharing the port and Redis.
 */
describe('compiled build: node dist/bff-pc/main.js with BFF_WORKERS=2', () => {
  let sso: DevSso;
  let bff: Spawned;
  let url: string;

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
    const port = await freePort();
    url = `http://localhost:${port}`;
    sso = await startDevSso([{ app: 'pc', url }]);
    bff = await spawnReady(
      process.execPath,
      [path.join(root, 'dist', 'bff-pc', 'main.js')],
      { NODE_ENV: 'development', PORT: String(port), PUBLIC_URL: url, SSO_ISSUER: sso.issuer, BFF_WORKERS: '2', LOG_LEVEL: 'warn', SESSION_PREFIX: `${testPrefix}compiled:sess:` },
      /bff-pc ready on .*\(2 workers\)/,
      60_000,
    );
  }, 180_000);

  afterAll(async () => {
    await bff?.stop();
    await sso?.stop();
  });

  it('serves without tsx: probes, problems, and a full login whose session every worker sees', async () => {
    expect(bff.child.spawnargs.join(' ')).not.toMatch(/tsx/);
    expect(workerPids(bff.output())).toHaveLength(2);
    await request(url).get('/healthz').expect(200);
    const anonymous = await request(url).get('/api/menu');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/application\/problem\+json/);

    const { bff: agent } = await loginVia(url, request.agent(sso.issuer), sso.issuer, DEMO);
    // Round-robin spreads these over both workers; every one must find the session in Redis.
    for (let i = 0; i < 10; i++) await agent.get('/api/menu').expect(200);
  });

  it('replaces a worker that is killed, and keeps answering meanwhile', async () => {
    const [victim] = workerPids(bff.output());
    process.kill(victim, 'SIGKILL');
    // A connection handed to the worker in the instant it dies is lost with it (node:cluster);
    // from the moment the primary knows, every request must be answered.
    await until('the primary to notice', () => (new RegExp(`worker ${victim} died`).test(bff.output()) ? true : undefined));
    const statuses: (number | string)[] = [];
    for (let i = 0; i < 20; i++) statuses.push(await getOnce(`${url}/healthz`));
    expect(statuses).toEqual(statuses.map(() => 200));
    await until('a replacement worker', () => (workerPids(bff.output()).length >= 3 ? true : undefined));
    expect(bff.output()).toMatch(new RegExp(`worker ${victim} died \\(SIGKILL\\)`));
  });

  it('restarts every worker one at a time on SIGHUP without refusing a single request', async () => {
    const before = new Set(workerPids(bff.output()));
    const statuses: (number | string)[] = [];
    let done = false;
    const load = (async () => {
      while (!done) statuses.push(await getOnce(`${url}/healthz`));
    })();
    process.kill(bff.child.pid!, 'SIGHUP');
    await until('the rolling restart', () => (/rolling restart done/.test(bff.output()) ? true : undefined), 30_000);
    done = true;
    await load;
    const fresh = workerPids(bff.output()).filter((pid) => !before.has(pid));
    expect(fresh).toHaveLength(2);
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });
});
