import path from 'node:path';
import request from 'supertest';
import { startDevSso, type DevSso } from '../support/dev-sso';
import { freePort } from '../support/free-port';
import { spawnReady, type Spawned } from '../support/spawn-ready';
import { testPrefix } from '../support/bff';
import { DEMO, loginVia } from '../support/login';

const root = path.join(__dirname, '..', '..');
const N = 40;

/** The instance's count of answered `GET /healthz`, as one scrape of /metrics shows it. */
async function healthzCount(url: string): Promise<number> {
  const text = (await request(url).get('/metrics').expect(200)).text;
  return text
    .split('\n')
    .filter((line) => line.startsWith('http_requests_total{') && line.includes('route="/healthz"'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

describe('BFF_WORKERS=2: one scrape of /metrics shows every worker', () => {
  let sso: DevSso;
  let bff: Spawned;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://localhost:${port}`;
    sso = await startDevSso([{ app: 'pc', url }]);
    bff = await spawnReady(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'bff-pc', 'main.ts')],
      { NODE_ENV: 'development', PORT: String(port), PUBLIC_URL: url, SSO_ISSUER: sso.issuer, BFF_WORKERS: '2', LOG_LEVEL: 'warn', SESSION_PREFIX: `${testPrefix}cluster-metrics:sess:` },
      /bff-pc ready on .*\(2 workers\)/,
      90_000,
    );
  }, 120_000);
  afterAll(async () => {
    await bff?.stop();
    await sso?.stop();
  });

  it(`after ${N} requests spread over both workers, every scrape counts all ${N}`, async () => {
    // New connections each time, so the primary hands them to both workers.
    for (let i = 0; i < N; i++) await request(url).get('/healthz').set('connection', 'close').expect(200);
    // Scrapes land on either worker: each must answer for both.
    for (let i = 0; i < 4; i++) expect(await healthzCount(url)).toBe(N);
    const text = (await request(url).get('/metrics').expect(200)).text;
    expect(text).toMatch(/^process_cpu_user_seconds_total\{app="bff-pc"\} /m);
  });

  it('counts one live session once, not once per worker (every worker reads the same Redis)', async () => {
    await loginVia(url, request.agent(sso.issuer), sso.issuer, DEMO);
    for (let i = 0; i < 4; i++) expect((await request(url).get('/metrics').expect(200)).text).toMatch(/^bff_sessions\{app="bff-pc"\} 1$/m);
  });
});
