import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'mysql2/promise';
import { freePort } from '../support/free-port';
import { reserveOwnKafka, type OwnKafka } from '../support/own-kafka';
import { spawnProcess, type OwnProcess } from '../support/spawn-process';
import { startDevSso, type DevSso } from '../support/dev-sso';

/**
 * Any start order: every process is started before what it depends on answers (a Kafka broker of
 * the test's own, a redis-server of its own, a port in front of MariaDB, the dev SSO), as pods
 * are in a cluster. None exits; each listens, answers /readyz 503 naming what it waits for, logs
 * it, and becomes ready by itself once the dependency is there.
 */
jest.setTimeout(240_000);

const RUN = `so${Date.now().toString(36)}${process.pid}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'start-order-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const running: OwnProcess[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop(5_000)));
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

const readyz = async (url: string) => {
  const res = await fetch(`${url}/readyz`).catch(() => undefined);
  return res ? { status: res.status, body: (await res.json()) as Record<string, unknown> } : { status: 0, body: {} };
};

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

function service(name: 'inetaplca' | 'intelnet', port: number, env: Record<string, string>): OwnProcess {
  const key = name.toUpperCase();
  const p = spawnProcess(`services/${name}/main.ts`, {
    [`${key}_PORT`]: String(port),
    [`${key}_SQLITE_FILE`]: path.join(dir, `${name}-${port}.sqlite`),
    [`${key}_EVENT_TOPIC_PREFIX`]: `${RUN}.sa-app-samp-ppon-cont-`,
    [`${key}_LOG_LEVEL`]: 'info',
    ...Object.fromEntries(Object.entries(env).map(([k, v]) => [`${key}_${k}`, v])),
  });
  running.push(p);
  return p;
}

describe('Kafka not there yet, then a broker just started', () => {
  let kafka: OwnKafka;
  beforeAll(async () => {
    kafka = await reserveOwnKafka();
    cleanups.push(() => kafka.remove());
  });

  it('inetaplca and intelnet wait for it (readiness 503 naming it), then come up without exiting', async () => {
    const ports = [await freePort(), await freePort()];
    const procs = [service('inetaplca', ports[0], { EVENT_BUS: 'kafka', KAFKA_BROKERS: kafka.brokers }), service('intelnet', ports[1], { EVENT_BUS: 'kafka', KAFKA_BROKERS: kafka.brokers })];
    for (const port of ports) {
      const r = await until('readiness while Kafka is down', () => readyz(`http://127.0.0.1:${port}`), (v) => v.status === 503 && Object.keys((v.body.waitingFor as object) ?? {}).length > 0, 60_000);
      expect(r.body).toMatchObject({ ready: false, waitingFor: { 'event bus (kafka)': expect.stringMatching(/ECONNREFUSED|Connection|connect/i) } });
      // liveness stays green: a probe must not kill a pod that waits
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const call = await fetch(`http://127.0.0.1:${port}/cont?size=1`);
      expect(call.status).toBe(503);
      expect(await call.json()).toMatchObject({ code: 'NOT_READY' });
    }
    for (const p of procs) await p.waitFor(/waiting for event bus \(kafka\)/, 10_000);

    const t0 = Date.now();
    await kafka.start();
    for (const [i, p] of procs.entries()) {
      await p.waitFor(new RegExp(`${i === 0 ? 'inetaplca' : 'intelnet'} ready on`), 120_000);
      expect((await readyz(`http://127.0.0.1:${ports[i]}`)).status).toBe(200);
      expect(p.child.exitCode).toBeNull();
    }
    console.log(`start order: both services ready ${Date.now() - t0} ms after the broker was started (broker start included)`);
  });

  it('a broker started moments ago, the services at once (fresh topics): they come up', async () => {
    await Promise.all(running.splice(0).map((p) => p.stop(10_000)));
    await kafka.stop();
    await kafka.start();
    const ports = [await freePort(), await freePort()];
    const procs = [service('inetaplca', ports[0], { EVENT_BUS: 'kafka', KAFKA_BROKERS: kafka.brokers, EVENT_TOPIC_PREFIX: `${RUN}.fresh.` }), service('intelnet', ports[1], { EVENT_BUS: 'kafka', KAFKA_BROKERS: kafka.brokers, EVENT_TOPIC_PREFIX: `${RUN}.fresh.` })];
    await procs[0].waitFor(/inetaplca ready on/, 120_000);
    await procs[1].waitFor(/intelnet ready on/, 120_000);
    for (const p of procs) expect(p.child.exitCode).toBeNull();
  });
});

/** A redis-server of the test's own on `port`, started when the test says so. */
function startRedisOn(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => ((out += d.toString()), /Ready to accept connections/.test(out) && resolve(child)));
    child.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
  });
}

describe('Redis not there yet', () => {
  it('a BFF that needs Redis for sessions and a service on the Redis Streams bus wait for it, then serve', async () => {
    const redisPort = await freePort();
    const [bffPort, servicePort] = [await freePort(), await freePort()];
    const bff = spawnProcess('bff-pc/main.ts', { PORT: String(bffPort), PUBLIC_URL: `http://localhost:${bffPort}`, REDIS_URL: `redis://127.0.0.1:${redisPort}`, REDIS_REQUIRED: 'true', SESSION_PREFIX: `${RUN}:sess:`, LOG_LEVEL: 'info' });
    running.push(bff);
    const svc = service('inetaplca', servicePort, { EVENT_BUS: 'redis', REDIS_URL: `redis://127.0.0.1:${redisPort}` });

    const b = await until('BFF readiness', () => readyz(`http://127.0.0.1:${bffPort}`), (v) => v.status === 503 && Boolean((v.body.waitingFor as Record<string, string>)?.redis), 60_000);
    expect(b.body.waitingFor).toEqual({ redis: expect.stringContaining('does not answer') });
    // The Redis Streams bus reconnects in the background by design (lib/events/redis-streams-bus.ts):
    // the service serves its HTTP API meanwhile; what counts here is that it does not exit.
    await svc.waitFor(/event bus \(redis\) unavailable|inetaplca ready on/, 60_000);
    await bff.waitFor(/waiting for redis/, 10_000);
    await sleep(3_000); // a few retries later: still up
    expect(bff.child.exitCode).toBeNull();
    expect(svc.child.exitCode).toBeNull();

    const redis = await startRedisOn(redisPort);
    cleanups.push(async () => void redis.kill('SIGKILL'));
    await bff.waitFor(/bff-pc ready on/, 30_000);
    await svc.waitFor(/inetaplca ready on/, 30_000);
    expect((await readyz(`http://127.0.0.1:${bffPort}`)).body).toMatchObject({ ready: true, checks: { sessions: 'up' } });
    expect((await readyz(`http://127.0.0.1:${servicePort}`)).status).toBe(200);
  });
});

describe('MariaDB not there yet', () => {
  it('a service on MariaDB waits for it (readiness names it), then migrates and serves', async () => {
    // A port that is closed until the test opens it in front of the shared MariaDB: what a
    // database coming up later looks like to the service.
    const dbPort = await freePort();
    const servicePort = await freePort();
    const database = `sa_${RUN}_late`;
    cleanups.push(async () => {
      const admin = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
      await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await admin.end();
    });
    const svc = service('intelnet', servicePort, { DB_KIND: 'mariadb', MARIADB_URL: `mysql://root@127.0.0.1:${dbPort}/${database}` });
    const r = await until('readiness', () => readyz(`http://127.0.0.1:${servicePort}`), (v) => v.status === 503 && Object.keys((v.body.waitingFor as object) ?? {}).length > 0, 60_000);
    expect(r.body.waitingFor).toEqual({ 'database (mariadb)': expect.stringMatching(/ECONNREFUSED|connect/i) });
    await svc.waitFor(/waiting for database \(mariadb\)/, 10_000);

    const front = net.createServer((client) => {
      const db = net.connect(3306, '127.0.0.1');
      client.pipe(db).pipe(client);
      const end = () => (client.destroy(), db.destroy());
      client.once('error', end).once('close', end);
      db.once('error', end).once('close', end);
    });
    await new Promise<void>((resolve) => front.listen(dbPort, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => (front.close(resolve), (front as net.Server & { closeAllConnections?: () => void }).closeAllConnections?.())));
    await svc.waitFor(/intelnet ready on/, 30_000);
    expect((await readyz(`http://127.0.0.1:${servicePort}`)).body).toMatchObject({ status: 'ready', db: 'mariadb' });
  });
});

describe('MariaDB there, the credentials wrong', () => {
  it('a service stops at once with one line naming the setting, instead of waiting for ever', async () => {
    const servicePort = await freePort();
    // root has no password here: any password is the wrong one (MariaDB: 1045 Access denied).
    const svc = service('intelnet', servicePort, { DB_KIND: 'mariadb', MARIADB_URL: `mysql://root:not-the-password@127.0.0.1:3306/sa_${RUN}_denied` });
    expect(await Promise.race([svc.exited(), new Promise((resolve) => setTimeout(() => resolve('still running after 15 s'), 15_000))])).toBe(1);
    expect(svc.output()).toMatch(/INTELNET_MARIADB_URL: MariaDB refused the user "root": Access denied/);
    expect(svc.output()).not.toMatch(/not-the-password/);
  }, 30_000);
});

describe('the SSO not there yet', () => {
  let sso: DevSso | undefined;
  afterAll(async () => sso?.stop());

  it('a BFF starts and is ready without it, answers a login with 503 meanwhile, and logs in once it is up', async () => {
    const ssoPort = await freePort();
    const bffPort = await freePort();
    const issuer = `http://localhost:${ssoPort}`;
    const bff = spawnProcess('bff-pc/main.ts', { PORT: String(bffPort), PUBLIC_URL: `http://localhost:${bffPort}`, SSO_ISSUER: issuer, SESSION_PREFIX: `${RUN}:sso:`, LOG_LEVEL: 'warn' });
    running.push(bff);
    await bff.waitFor(/bff-pc ready on/, 60_000);
    const down = await fetch(`http://127.0.0.1:${bffPort}/bff/login`, { redirect: 'manual' });
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ code: 'SSO_UNAVAILABLE' });

    sso = await startDevSso([{ app: 'pc', url: `http://localhost:${bffPort}` }], { SSO_PORT: String(ssoPort), SSO_ISSUER: issuer });
    const up = await until('login', () => fetch(`http://127.0.0.1:${bffPort}/bff/login`, { redirect: 'manual' }).then((r) => ({ status: r.status, location: r.headers.get('location') ?? '' })), (v) => v.status === 302, 30_000);
    expect(up.location.startsWith(issuer)).toBe(true);
    expect(bff.child.exitCode).toBeNull();
  });
});
