/**
 * Saga benchmark, API mode and broker mode (Redis Streams) side by side: latency (p50/p99) and sagas per second for register and modify, on
 * SQLite and on MariaDB, against the three real services on loopback (all in this process, so
 * the figures include the client's CPU on the same cores). Bounded: --n sagas per measurement
 * (default 200) and at most --seconds each (default 20). Baselines from the same run: one bare
 * INSERT into SA_PPON_CONT on each engine, and SQLite register for the ratio column. Broker-mode
 * latency runs from the 202 until `GET /sagas/:globalNo` says END (polled every 2 ms; 20 ms under
 * concurrency), and its row shows the ratio to the API mode of the same operation and engine.
 * Needs Redis on 127.0.0.1:6379 (the streams of this run are deleted afterwards).
 *
 *   npx tsx bench/saga-api.ts [--n 200] [--concurrency 8] [--seconds 20]
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { loadServiceConfig, type ServiceName } from '../config/service-config';
import { inetaplcaService } from '../services/inetaplca/service';
import { intelnetService } from '../services/intelnet/service';
import { pponService } from '../services/ppon/service';
import { startService, type RunningService, type ServiceDefinition } from '../services/platform/run-service';
import { startDevSso } from '../test/support/dev-sso';
import { cardNumber, serviceNumber } from '../test/support/valid-contract';

type Kind = 'sqlite' | 'mariadb';
interface Row { db: Kind; what: string; n: number; p50: number; p99: number; perSecond: number }

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('n', 200);
const CONCURRENCY = arg('concurrency', 8);
const SECONDS = arg('seconds', 20);
const RUN = `bench_${Date.now().toString(36)}`;
const SQLITE_DIR = path.join(os.tmpdir(), `saga-bench-${RUN}`);
const REDIS_URL = 'redis://127.0.0.1:6379';
/** The services authenticate every call: the real dev SSO, and the operator client's token. */
const identity = { issuer: '', authorization: '' };
const DEFINITIONS: Record<ServiceName, ServiceDefinition> = { ppon: pponService, inetaplca: inetaplcaService, intelnet: intelnetService };

async function startAll(kind: Kind): Promise<Record<ServiceName, RunningService>> {
  const start = (name: ServiceName, extra: Record<string, string> = {}) => {
    const prefix = name.toUpperCase();
    const env = Object.fromEntries(
      Object.entries({
        PORT: '0', DB_KIND: kind, LOG_LEVEL: 'silent', SQLITE_FILE: path.join(SQLITE_DIR, `${name}.sqlite`),
        MARIADB_URL: `mysql://root@127.0.0.1:3306/sa_${RUN}_${name}`, REDIS_URL, EVENT_BUS: 'redis',
        EVENT_TOPIC_PREFIX: `${RUN}.${kind}.sa-app-samp-ppon-cont-`, CACHE_KEY_PREFIX: `${RUN}:`, SSO_ISSUER: identity.issuer, ...extra,
      }).map(([k, v]) => [`${prefix}_${k}`, v]),
    );
    return startService(DEFINITIONS[name], loadServiceConfig(name, env));
  };
  const inetaplca = await start('inetaplca');
  const intelnet = await start('intelnet');
  const ppon = await start('ppon', { INETAPLCA_URL: inetaplca.url, INTELNET_URL: intelnet.url });
  return { ppon, inetaplca, intelnet };
}

async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: identity.authorization }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`saga failed: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Broker mode: the 202, then the saga log polled until the saga ends; anything but END is a failure. */
async function postAndAwait(ppon: RunningService, path: string, body: unknown, pollMs: number): Promise<Record<string, unknown>> {
  const accepted = await post(`${ppon.url}${path}`, body);
  const t0 = performance.now();
  for (;;) {
    const saga = (await (await fetch(`${ppon.url}/sagas/${accepted.globalNo as string}`, { headers: { authorization: identity.authorization } })).json()) as Record<string, unknown>;
    if (saga.state === 'END') return accepted;
    if (saga.state !== 'START') throw new Error(`broker saga ended ${String(saga.state)}`);
    if (performance.now() - t0 > 30_000) throw new Error('broker saga did not end within 30 s');
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

const register = (ppon: RunningService, i: number) =>
  post(`${ppon.url}/cont/regSagaApi`, { pponContPayload: { contr: `Bench ${i}`, payr: 'Payer', svcNo: serviceNumber(i), cardNo: cardNumber(i), mkerId: 'bench' } });
const modify = (ppon: RunningService, no: number, i: number) =>
  post(`${ppon.url}/cont/amdSagaApi`, { pponContPayload: { saPponContNo: no, payr: `Payer ${i}`, amdrId: 'bench' } });
const registerBroker = (ppon: RunningService, i: number, pollMs: number) =>
  postAndAwait(ppon, '/cont/regPubsub', { pponContPayload: { contr: `Bench ${i}`, payr: 'Payer', svcNo: serviceNumber(i), cardNo: cardNumber(i), mkerId: 'bench' } }, pollMs);
const modifyBroker = (ppon: RunningService, no: number, i: number, pollMs: number) =>
  postAndAwait(ppon, '/cont/amdPubsub', { pponContPayload: { saPponContNo: no, payr: `Payer ${i}`, amdrId: 'bench' } }, pollMs);

/** Sequential calls for latency, then `CONCURRENCY` workers for throughput; each bounded by N and SECONDS. */
async function measure(db: Kind, what: string, op: (worker: number, i: number, concurrent: boolean) => Promise<unknown>): Promise<Row> {
  const latencies: number[] = [];
  const deadline = Date.now() + SECONDS * 1000;
  for (let i = 0; i < N && Date.now() < deadline; i++) {
    const t0 = performance.now();
    await op(0, i, false);
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  let done = 0;
  const t0 = performance.now();
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let i = worker; i < N && Date.now() < until; i += CONCURRENCY) {
        await op(worker, i, true);
        done++;
      }
    }),
  );
  const perSecond = done / ((performance.now() - t0) / 1000);
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { db, what, n: latencies.length, p50: pick(0.5), p99: pick(0.99), perSecond };
}

async function benchKind(kind: Kind): Promise<Row[]> {
  const services = await startAll(kind);
  try {
    const { db } = services.ppon.deps.database;
    const bareInsert = () => db.insertInto('SA_PPON_CONT').values({ CONTR: 'Baseline', DEL_YN: 'N', TRANSAC_STTUS: 'END' }).execute();
    for (let i = 0; i < 20; i++) await register(services.ppon, i); // warm-up: JIT, pools, keep-alive sockets
    const rows = [await measure(kind, 'bare INSERT (baseline)', () => bareInsert())];
    rows.push(await measure(kind, 'register saga', (_w, i) => register(services.ppon, i)));
    // One contract per worker: a contract takes one saga at a time (the 409 guard).
    const contracts = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => register(services.ppon, i)));
    rows.push(await measure(kind, 'modify saga', (w, i) => modify(services.ppon, contracts[w].saPponContNo as number, i)));
    const pollMs = (concurrent: boolean) => (concurrent ? 20 : 2);
    for (let i = 0; i < 20; i++) await registerBroker(services.ppon, i, 2); // warm-up of the consumers
    rows.push(await measure(kind, 'register saga, broker (202→END)', (_w, i, c) => registerBroker(services.ppon, i, pollMs(c))));
    rows.push(await measure(kind, 'modify saga, broker (202→END)', (w, i, c) => modifyBroker(services.ppon, contracts[w].saPponContNo as number, i, pollMs(c))));
    return rows;
  } finally {
    await Promise.all(Object.values(services).map((s) => s.close()));
  }
}

async function cleanUp(): Promise<void> {
  fs.rmSync(SQLITE_DIR, { recursive: true, force: true });
  const admin = await createConnection({ host: '127.0.0.1', user: 'root' });
  for (const name of Object.keys(DEFINITIONS)) await admin.query(`DROP DATABASE IF EXISTS \`sa_${RUN}_${name}\``);
  await admin.end();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${RUN}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const sso = await startDevSso([], { SSO_ACCESS_TOKEN_TTL: '3600' });
  identity.issuer = sso.issuer;
  identity.authorization = `Bearer ${await sso.clientToken('contract-operator')}`;
  try {
    rows.push(...(await benchKind('sqlite')));
    rows.push(...(await benchKind('mariadb')));
  } finally {
    await cleanUp();
    await sso.stop();
  }
  const baseline = rows.find((r) => r.db === 'sqlite' && r.what === 'register saga') as Row;
  const f = (x: number) => x.toFixed(2);
  console.log(`\nSagas, API mode and broker mode (Redis Streams), loopback, n=${N} sequential for latency, ${CONCURRENCY} concurrent for throughput (node ${process.version}, ${os.cpus().length} cores)\n`);
  console.log('| db | operation | n | p50 ms | p99 ms | per second (c=' + CONCURRENCY + ') | p50 vs SQLite register | broker vs API (p50 / per second) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const api = r.what.includes('broker') ? rows.find((a) => a.db === r.db && a.what === r.what.replace(', broker (202→END)', '')) : undefined;
    const vsApi = api ? `${f(r.p50 / api.p50)}× / ${f(r.perSecond / api.perSecond)}×` : '';
    console.log(`| ${r.db} | ${r.what} | ${r.n} | ${f(r.p50)} | ${f(r.p99)} | ${r.perSecond.toFixed(0)} | ${f(r.p50 / baseline.p50)}× | ${vsApi} |`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
