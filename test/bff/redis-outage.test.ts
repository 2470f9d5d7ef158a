import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loginCookie } from '../proxy/support/login-cookie';
import request from 'supertest';
import { freePort } from '../support/free-port';
import { startBffSystem, type BffSystem } from '../support/system';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A redis-server of this test's own: the machine's shared Redis is never stopped. */
function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'pipe' });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => /Ready to accept connections/.test(d.toString()) && resolve(child));
    child.once('exit', (code) => reject(new Error(`redis-server exited ${code}`)));
  });
}

async function until(check: () => Promise<boolean>, timeoutMs: number) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await sleep(100);
  }
  throw new Error('condition not reached');
}

describe('Redis outage: 503 while it is away, service resumes by itself', () => {
  let port: number;
  let redis: ChildProcess;
  let sys: BffSystem;
  // The legacy app behind pc's /legacy/app row: it counts what reaches it.
  let legacyHits = 0;
  const legacy = http.createServer((_req, res) => (legacyHits++, res.setHeader('content-type', 'application/json'), res.end('{"ok":true}')));

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    await new Promise<void>((r) => legacy.listen(0, '127.0.0.1', r));
    sys = await startBffSystem({ pc: { REDIS_URL: `redis://127.0.0.1:${port}`, LEGACY_APP_URL: `http://127.0.0.1:${(legacy.address() as AddressInfo).port}` } });
  });
  afterAll(async () => {
    await sys?.close();
    redis?.kill('SIGKILL');
    legacy.close();
  });

  it('sends nothing to a legacy app for a browser that left while its session was being read', async () => {
    const cookie = await loginCookie(sys, sys.pc);
    const { port: bffPort } = new URL(sys.pc.url);
    const get = () => http.get({ host: '127.0.0.1', port: bffPort, path: '/legacy/app/orders', headers: { cookie, accept: 'application/json' } });
    legacyHits = 0;
    redis.kill('SIGSTOP');
    try {
      const gone = get().on('error', () => undefined);
      await sleep(300); // the BFF is waiting for Redis
      gone.destroy(); // the user closed the tab
      await sleep(200);
    } finally {
      redis.kill('SIGCONT');
    }
    await sleep(800); // Redis answers the read (or it times out and the session chain reads again)
    expect(legacyHits).toBe(0);
    // the row itself still works
    const status = await new Promise<number>((resolve, reject) => get().on('response', (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject));
    expect([status, legacyHits]).toEqual([200, 1]);
  });

  it('answers 503 problem within the command timeout when Redis hangs, and keeps the session when it is back', async () => {
    const agent = await sys.login(sys.pc);
    await agent.get('/bff/user').expect(200);
    redis.kill('SIGSTOP');
    try {
      const started = Date.now();
      const res = await agent.get('/bff/user');
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('SESSION_STORE_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(5000);
      await request(sys.pc.url).get('/healthz').expect(200);
    } finally {
      redis.kill('SIGCONT');
    }
    // the session survived the hang: a failed read must never end it
    await until(async () => (await agent.get('/bff/user')).status === 200, 5000);
    expect((await agent.get('/bff/user')).body.sub).toBe('demo');
  });

  it('answers 503 at once when Redis is down, reports not ready, and recovers when it restarts', async () => {
    const before = await sys.login(sys.pc);
    redis.kill('SIGKILL');
    await new Promise((r) => redis.once('exit', r));

    const started = Date.now();
    const res = await before.get('/api/menu');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('SESSION_STORE_UNAVAILABLE');
    const login = await request(sys.pc.url).get('/bff/login');
    expect(login.status).toBe(503);
    const ready = await request(sys.pc.url).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ ready: false, checks: { sessions: 'down' } });
    // the mobile app, on the shared Redis, is unaffected
    await request(sys.mobile.url).get('/readyz').expect(200);

    redis = await startRedis(port);
    await until(async () => (await request(sys.pc.url).get('/readyz')).status === 200, 8000);
    // this Redis kept nothing on disk, so old sessions are gone; logging in again works
    const agent = await sys.login(sys.pc);
    expect((await agent.get('/bff/user').expect(200)).body.sub).toBe('demo');
  }, 30_000);
});
