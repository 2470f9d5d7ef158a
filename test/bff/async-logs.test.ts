import http from 'node:http';
import path from 'node:path';
import pino from 'pino';
import { createLogger } from '../../lib/http/logger';
import { testPrefix } from '../support/bff';
import { startDevSso, type DevSso } from '../support/dev-sso';
import { freePort } from '../support/free-port';
import { spawnReady } from '../support/spawn-ready';

const root = path.join(__dirname, '..', '..');

const getStatus = (url: string, agent: http.Agent) =>
  new Promise<number>((resolve, reject) => {
    http.get(url, { agent }, (res) => (res.resume(), res.once('end', () => resolve(res.statusCode ?? 0)))).once('error', reject);
  });

describe('production logs are written asynchronously and none is lost at SIGTERM', () => {
  let sso: DevSso;
  beforeAll(async () => {
    sso = await startDevSso([]);
  });
  afterAll(async () => {
    await sso?.stop();
  });

  it('uses an asynchronous destination in production only', () => {
    const stream = (logger: pino.Logger) => (logger as unknown as Record<symbol, { sync?: boolean }>)[pino.symbols.streamSym];
    expect(stream(createLogger({ name: 't', level: 'info', sync: false })).sync).toBe(false);
    expect(stream(createLogger({ name: 't', level: 'info' })).sync).not.toBe(false);
  });

  it('writes every request line and the stop line when stopped right after a burst of requests', async () => {
    const port = await freePort();
    const url = `http://localhost:${port}`;
    const bff = await spawnReady(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'bff-pc', 'main.ts')],
      {
        // https, as production requires; nothing here signs in, so no SSO need answer
        NODE_ENV: 'production', PORT: String(port), PUBLIC_URL: url, SSO_ISSUER: 'https://127.0.0.1:9/', LOG_LEVEL: 'info',
        SSO_CLIENT_SECRET: 'async-logs-test-client-secret', SESSION_SECRET: 'async-logs-test-session-secret',
        SESSION_PREFIX: `${testPrefix}async-logs:sess:`, FILES_PREFIX: `${testPrefix}async-logs:files:`,
      },
      /bff-pc ready on/,
      60_000,
    );
    const n = 400;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
    try {
      const statuses = await Promise.all(Array.from({ length: n }, (_, i) => getStatus(`${url}/no/such/page-${i}`, agent)));
      expect(statuses.every((s) => s === 404)).toBe(true);
    } finally {
      agent.destroy();
    }
    // SIGTERM at once: whatever is still queued in the asynchronous destination must be written before exit.
    const exited = new Promise<number | null>((resolve) => bff.child.once('exit', (code) => resolve(code)));
    bff.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = bff
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; req?: { path: string } });
    const completed = new Set(lines.filter((l) => l.msg === 'request completed').map((l) => l.req!.path));
    expect(completed.size).toBe(n);
    expect(lines.at(-1)?.msg).toBe('bff-pc stopped');
  }, 90_000);
});
