import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { freePort } from '../support/free-port';
import { spawnProcess, type OwnProcess } from '../support/spawn-process';

/**
 * Graceful drain through real processes: on SIGTERM readiness turns 503 at once, the process keeps
 * serving for SHUTDOWN_DELAY_MS, then stops accepting, lets what is in flight finish and exits 0
 * within SHUTDOWN_GRACE_MS. Two BFF instances behind nginx, restarted one after the other under a
 * request loop, lose no request.
 */
jest.setTimeout(180_000);

const RUN = `gd${Date.now().toString(36)}${process.pid}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graceful-drain-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const running: OwnProcess[] = [];
let upstream: http.Server;
let legacyUrl: string;

/** The legacy app the public row proxies to: `/public/slow?ms=N` answers after N ms. */
beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const ms = Number(url.searchParams.get('ms') ?? 0);
    setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end(`done after ${ms} ms`), ms);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  legacyUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop(5_000)));
  upstream.closeAllConnections();
  upstream.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function startBff(port: number, env: Record<string, string> = {}): OwnProcess {
  const p = spawnProcess('bff-pc/main.ts', {
    PORT: String(port),
    PUBLIC_URL: `http://localhost:${port}`,
    LEGACY_APP_URL: legacyUrl,
    SESSION_PREFIX: `${RUN}:sess:`,
    LOG_LEVEL: 'info',
    SHUTDOWN_DELAY_MS: '1500',
    SHUTDOWN_GRACE_MS: '10000',
    ...env,
  });
  running.push(p);
  return p;
}

const get = (url: string) => fetch(url).then(async (r) => ({ status: r.status, text: await r.text() }));
/** The answer's `Connection` header, which fetch does not show: `close` tells a keep-alive client to take its next request elsewhere. */
const connectionHeader = (url: string) =>
  new Promise<string | undefined>((resolve, reject) => {
    http.get(url, (res) => (res.resume(), resolve(res.headers.connection))).on('error', reject);
  });

/** Polls until /readyz answers `status`; the time it took. */
async function readinessTurns(url: string, status: number, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const r = await fetch(`${url}/readyz`).catch(() => undefined);
    if (r?.status === status) return Date.now() - t0;
    await sleep(20);
  }
  throw new Error(`${url}/readyz did not answer ${status} within ${timeoutMs} ms`);
}

describe.each([
  ['one process', {}],
  ['BFF_WORKERS=2 (cluster)', { BFF_WORKERS: '2' }],
])('a BFF (%s) stopped with SIGTERM', (_name, env) => {
  it('turns not-ready at once, serves through the delay, finishes the request in flight with 200, exits 0', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const bff = startBff(port, env);
    await bff.waitFor(/bff-pc ready on/, 60_000);
    await readinessTurns(url, 200, 10_000);

    // a proxied legacy row (the fast path) whose upstream takes 3 s: in flight across SIGTERM
    const inFlight = get(`${url}/legacy/notice/slow?ms=3000`);
    await sleep(300);
    const stoppedAt = Date.now();
    bff.child.kill('SIGTERM');
    const notReadyAfter = await readinessTurns(url, 503, 1_000);
    const during = await get(`${url}/legacy/notice/slow?ms=10`);
    expect(during).toEqual({ status: 200, text: 'done after 10 ms' });
    // Each answer of the delay closes its connection, so keep-alive clients move on before the listener closes under them.
    expect(await connectionHeader(`${url}/healthz`)).toBe('close');
    expect(await connectionHeader(`${url}/legacy/notice/slow?ms=10`)).toBe('close');

    expect(await inFlight).toEqual({ status: 200, text: 'done after 3000 ms' });
    const code = await bff.exited();
    const tookMs = Date.now() - stoppedAt;
    console.log(`drain (${_name}): readiness 503 after ${notReadyAfter} ms; in-flight request 200; exited ${code} ${tookMs} ms after SIGTERM`);
    expect(code).toBe(0);
    expect(tookMs).toBeGreaterThanOrEqual(1_500); // the delay was served
    expect(tookMs).toBeLessThan(1_500 + 10_000);
    await expect(fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).rejects.toThrow();
  });
});

describe('a contract service stopped with SIGTERM', () => {
  it('turns not-ready at once, serves through the delay, and exits 0', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const svc = spawnProcess('services/inetaplca/main.ts', {
      INETAPLCA_PORT: String(port),
      INETAPLCA_SQLITE_FILE: path.join(dir, 'inetaplca.sqlite'),
      INETAPLCA_EVENT_TOPIC_PREFIX: `${RUN}.`,
      INETAPLCA_CACHE_KEY_PREFIX: `${RUN}:`,
      INETAPLCA_REDIS_URL: 'redis://127.0.0.1:6379',
      INETAPLCA_SHUTDOWN_DELAY_MS: '1000',
      INETAPLCA_SHUTDOWN_GRACE_MS: '5000',
    });
    running.push(svc);
    await svc.waitFor(/inetaplca ready on/, 60_000);
    const t0 = Date.now();
    svc.child.kill('SIGTERM');
    await readinessTurns(url, 503, 1_000);
    // still answering (a 401 without a token is an answer of the running app, not a refusal)
    expect((await fetch(`${url}/cont?size=1`)).status).toBe(401);
    expect(await connectionHeader(`${url}/healthz`)).toBe('close');
    expect(await svc.exited()).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_000);
    expect(svc.output()).toMatch(/SIGTERM: readiness is 503 now; serving 1000 ms more/);
  });
});

describe('two BFF instances behind nginx, restarted one after the other under load', () => {
  let nginx: ChildProcess | undefined;
  afterAll(() => void nginx?.kill('SIGTERM'));

  it('lose no request', async () => {
    const ports = [await freePort(), await freePort()];
    const front = await freePort();
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(
      conf,
      `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  # No passive marking (max_fails=0): a server nginx once saw refuse stays "down" for fail_timeout
  # after it is back, and a restart of the other one inside that window left no live upstream (502
  # without either BFF at fault). Each refused connection is still retried on the other server.
  upstream bff {
    server 127.0.0.1:${ports[0]} max_fails=0;
    server 127.0.0.1:${ports[1]} max_fails=0;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${front};
    location / {
      proxy_pass http://bff;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # an instance that stopped accepting refuses the connection, and one that listens but is not
      # ready yet (it listens first, then waits for Redis) answers 503: either way the request goes
      # to the other one
      proxy_next_upstream error timeout http_503;
      proxy_next_upstream_tries 2;
    }
  }
}
`,
    );
    const instances = ports.map((p) => startBff(p, { SHUTDOWN_DELAY_MS: '1000', SHUTDOWN_GRACE_MS: '5000', LOG_LEVEL: 'warn' }));
    for (const i of instances) await i.waitFor(/bff-pc ready on/, 60_000);
    nginx = spawn('/usr/sbin/nginx', ['-c', conf, '-p', dir, '-e', `${dir}/nginx-error.log`], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (let i = 0; i < 100 && !(await fetch(`http://127.0.0.1:${front}/healthz`).then((r) => r.ok, () => false)); i++) await sleep(100);

    // a bounded request loop on loopback: 4 clients until both restarts are done
    const statuses: Record<string, number> = {};
    let sent = 0;
    let done = false;
    const client = async () => {
      while (!done && sent < 50_000) {
        sent++;
        const status = await fetch(`http://127.0.0.1:${front}/legacy/notice/slow?ms=${sent % 5 === 0 ? 200 : 1}`).then(
          async (r) => (await r.text(), String(r.status)),
          (err: Error) => `error ${err.message}`,
        );
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    };
    const clients = Array.from({ length: 4 }, client);
    await sleep(500);
    for (const [i, port] of ports.entries()) {
      instances[i].child.kill('SIGTERM');
      expect(await instances[i].exited()).toBe(0);
      instances[i] = startBff(port, { SHUTDOWN_DELAY_MS: '1000', SHUTDOWN_GRACE_MS: '5000', LOG_LEVEL: 'warn' });
      await instances[i].waitFor(/bff-pc ready on/, 60_000);
      await sleep(500);
    }
    done = true;
    await Promise.all(clients);
    console.log(`nginx rolling restart: ${sent} requests, answers ${JSON.stringify(statuses)}`);
    expect(Object.keys(statuses)).toEqual(['200']);
    expect(statuses['200']).toBeGreaterThan(200);
  });
});
