/**
 * Saga benchmark, API mode and broker mode (Redis Streams) side by side: latency (p50/p99) and sagas per second for register and modify, on
 * SQLite and on MariaDB, against the three real services on loopback (all in this process, so
 * the figures include the client's CPU on the same cores). Bounded: --n sagas per measurement
 * (default 200) and at most --seconds each (default 20). Baselines from the same run: one bare
 * INSERT into SA_PPON_CONT on each engine, and SQLite register for the ratio column. Broker-mode
 * latency runs from the 202 until the saga log says END: the client learns it as a BFF does, from
 * MS1's change notice (Redis pub/sub), then one read of the log (and a read every second, should a
 * notice be lost); its row shows the ratio to the API mode of the same operation and engine.
 * `--bus kafka` runs the broker mode on Kafka (127.0.0.1:9092) instead of Redis Streams;
 * `--instances 2` starts two of each service on the same databases and bus (clients spread over
 * the MS1s). Needs Redis on 127.0.0.1:6379 (this run's streams and topics are deleted afterwards).
 *
 *   npx tsx bench/saga-api.ts [--n 200] [--concurrency 8] [--seconds 20] [--bus redis|kafka] [--instances 1] [--db sqlite,mariadb]
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { loadServiceConfig, type ServiceName } from '../config/service-config';
import { inetaplcaService } from '../services/inetaplca/service';
import { intelnetService } from '../services/intelnet/service';
import { pponService } from '../services/ppon/service';
import { startService, type RunningService, type ServiceDefinition } from '../services/platform/run-service';
import { startDevSso } from '../test/support/dev-sso';
import { cardNumber, serviceNumber } from '../test/support/valid-contract';
import { dropKafkaTopics } from '../test/services/support/service-harness';
import { parseChangeNotice } from '../lib/notices/change-notice';

type Kind = 'sqlite' | 'mariadb';
interface Row { db: Kind; what: string; n: number; p50: number; p99: number; perSecond: number }

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const text = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? String(process.argv[i + 1]) : fallback;
};
const N = arg('n', 200);
const BUS = text('bus', 'redis') as 'redis' | 'kafka';
const INSTANCES = arg('instances', 1);
const KINDS = text('db', 'sqlite,mariadb').split(',') as Kind[];
const KAFKA_BROKERS = '127.0.0.1:9092';
/** `--modes broker` measures the broker mode alone (for a profile of it). */
const MODES = text('modes', 'api,broker').split(',');
const CONCURRENCY = arg('concurrency', 8);
const SECONDS = arg('seconds', 20);
const RUN = `bench_${Date.now().toString(36)}`;
const SQLITE_DIR = path.join(os.tmpdir(), `saga-bench-${RUN}`);
const REDIS_URL = 'redis://127.0.0.1:6379';
/** The services authenticate every call: the real dev SSO, and the operator client's token. */
const identity = { issuer: '', authorization: '' };
const DEFINITIONS: Record<ServiceName, ServiceDefinition> = { ppon: pponService, inetaplca: inetaplcaService, intelnet: intelnetService };
const NOTICE_CHANNEL = `${RUN}:notices`;
const busEnv = BUS === 'kafka' ? { EVENT_BUS: 'kafka', KAFKA_BROKERS, KAFKA_PARTITIONS: '6' } : { EVENT_BUS: 'redis' };

/** `INSTANCES` of each service on one database per service and one bus; MS1 i calls MS2/MS3 i. */
async function startAll(kind: Kind): Promise<Record<ServiceName, RunningService[]>> {
  const start = (name: ServiceName, extra: Record<string, string> = {}) => {
    const prefix = name.toUpperCase();
    const env = Object.fromEntries(
      Object.entries({
        PORT: '0', DB_KIND: kind, LOG_LEVEL: text('log', 'silent'), SQLITE_FILE: path.join(SQLITE_DIR, `${name}.sqlite`),
        MARIADB_URL: `mysql://root@127.0.0.1:3306/sa_${RUN}_${name}`, REDIS_URL, ...busEnv, NOTICE_CHANNEL,
        EVENT_TOPIC_PREFIX: `${RUN}.${kind}.sa-app-samp-ppon-cont-`, CACHE_KEY_PREFIX: `${RUN}:`, SSO_ISSUER: identity.issuer,
        // A loaded machine is no fault to measure: generous timeouts, so that every saga ends END.
        PARTICIPANT_TIMEOUT_MS: '20000', SAGA_DEADLINE_MS: '60000', ...extra,
      }).map(([k, v]) => [`${prefix}_${k}`, v]),
    );
    return startService(DEFINITIONS[name], loadServiceConfig(name, env));
  };
  const inetaplca: RunningService[] = [];
  const intelnet: RunningService[] = [];
  const ppon: RunningService[] = [];
  for (let i = 0; i < INSTANCES; i++) {
    inetaplca.push(await start('inetaplca'));
    intelnet.push(await start('intelnet'));
    ppon.push(await start('ppon', { INETAPLCA_URL: inetaplca[i].url, INTELNET_URL: intelnet[i].url }));
  }
  return { ppon, inetaplca, intelnet };
}

/** Broker-mode completion as a BFF learns it: MS1's notice wakes the waiter of that saga, which reads the log once. */
const waiters = new Map<string, () => void>();
let noticeReader: Redis | undefined;
async function listenForNotices(): Promise<void> {
  noticeReader = new Redis(REDIS_URL);
  noticeReader.on('message', (_channel: string, message: string) => {
    const notice = parseChangeNotice(message);
    if (notice && 'saga' in notice) waiters.get(notice.saga)?.();
  });
  await noticeReader.subscribe(NOTICE_CHANNEL);
}

async function post(url: string, body: unknown, globalNo?: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: identity.authorization, ...(globalNo ? { 'x-global-no': globalNo } : {}) }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`saga failed: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Broker mode: the 202, then a read of the saga log at each of its notices until it ends; anything but END is a failure. */
async function postAndAwait(ppon: RunningService, path: string, body: unknown): Promise<Record<string, unknown>> {
  let pending = false; // a notice came while no one was waiting
  let wake: () => void = () => void (pending = true);
  const globalNo = `bench-${randomUUID()}`;
  waiters.set(globalNo, () => wake());
  try {
    const accepted = await post(`${ppon.url}${path}`, body, globalNo);
    const t0 = performance.now();
    // As the BFF's hub does: a notice may come before its commit, so a read that shows the saga
    // still running is repeated shortly (3 × 100 ms) before waiting for the next notice (or 1 s).
    let rechecks = 0;
    for (;;) {
      const noticed =
        pending ||
        (await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), rechecks > 0 ? 100 : 1000);
          wake = () => (clearTimeout(timer), resolve(true));
        }));
      pending = false;
      wake = () => void (pending = true);
      rechecks = noticed ? 3 : Math.max(0, rechecks - 1);
      const saga = (await (await fetch(`${ppon.url}/sagas/${globalNo}`, { headers: { authorization: identity.authorization } })).json()) as Record<string, unknown>;
      if (saga.state === 'END') return accepted;
      if (saga.state !== 'START') throw new Error(`broker saga ended ${String(saga.state)}`);
      if (performance.now() - t0 > 30_000) throw new Error('broker saga did not end within 30 s');
    }
  } finally {
    waiters.delete(globalNo);
  }
}

const register = (ppon: RunningService, i: number) =>
  post(`${ppon.url}/cont/regSagaApi`, { pponContPayload: { contr: `Bench ${i}`, payr: 'Payer', svcNo: serviceNumber(i), cardNo: cardNumber(i), mkerId: 'bench' } });
const modify = (ppon: RunningService, no: number, i: number) =>
  post(`${ppon.url}/cont/amdSagaApi`, { pponContPayload: { saPponContNo: no, payr: `Payer ${i}`, amdrId: 'bench' } });
const registerBroker = (ppon: RunningService, i: number) =>
  postAndAwait(ppon, '/cont/regPubsub', { pponContPayload: { contr: `Bench ${i}`, payr: 'Payer', svcNo: serviceNumber(i), cardNo: cardNumber(i), mkerId: 'bench' } });
const modifyBroker = (ppon: RunningService, no: number, i: number) =>
  postAndAwait(ppon, '/cont/amdPubsub', { pponContPayload: { saPponContNo: no, payr: `Payer ${i}`, amdrId: 'bench' } });

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
  // Client worker w talks to MS1 number w mod INSTANCES.
  const ms1 = (w: number) => services.ppon[w % services.ppon.length];
  try {
    const { db } = services.ppon[0].deps.database;
    const bareInsert = () => db.insertInto('SA_PPON_CONT').values({ CONTR: 'Baseline', DEL_YN: 'N', TRANSAC_STTUS: 'END' }).execute();
    for (let i = 0; i < 20; i++) await register(ms1(i), i); // warm-up: JIT, pools, keep-alive sockets
    const rows = [await measure(kind, 'bare INSERT (baseline)', () => bareInsert())];
    // One contract per worker: a contract takes one saga at a time (the 409 guard).
    const contracts = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => register(ms1(i), i)));
    if (MODES.includes('api')) {
      rows.push(await measure(kind, 'register saga', (w, i) => register(ms1(w), i)));
      rows.push(await measure(kind, 'modify saga', (w, i) => modify(ms1(w), contracts[w].saPponContNo as number, i)));
    }
    if (MODES.includes('broker')) {
      for (let i = 0; i < 20; i++) await registerBroker(ms1(i), i); // warm-up of the consumers
      rows.push(await measure(kind, 'register saga, broker (202→END)', (w, i) => registerBroker(ms1(w), i)));
      rows.push(await measure(kind, 'modify saga, broker (202→END)', (w, i) => modifyBroker(ms1(w), contracts[w].saPponContNo as number, i)));
    }
    return rows;
  } finally {
    await Promise.all(Object.values(services).flat().map((s) => s.close()));
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
  noticeReader?.disconnect();
  if (BUS === 'kafka') await dropKafkaTopics(`${RUN}.`);
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const sso = await startDevSso([], { SSO_ACCESS_TOKEN_TTL: '3600' });
  identity.issuer = sso.issuer;
  identity.authorization = `Bearer ${await sso.clientToken('contract-operator')}`;
  try {
    await listenForNotices();
    for (const kind of KINDS) rows.push(...(await benchKind(kind)));
  } finally {
    await cleanUp();
    await sso.stop();
  }
  const baseline = rows.find((r) => r.db === 'sqlite' && r.what === 'register saga') ?? rows.find((r) => r.what === 'register saga') ?? rows[0];
  const f = (x: number) => x.toFixed(2);
  console.log(`\nSagas, API mode and broker mode (${BUS === 'kafka' ? 'Kafka' : 'Redis Streams'}), ${INSTANCES} instance(s) of each service, loopback, n=${N} sequential for latency, ${CONCURRENCY} concurrent for throughput (node ${process.version}, ${os.cpus().length} cores)\n`);
  console.log('| db | operation | n | p50 ms | p99 ms | per second (c=' + CONCURRENCY + ') | p50 vs ' + baseline.db + ' register | broker vs API (p50 / per second) |');
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
