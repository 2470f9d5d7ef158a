/**
 * Saga benchmark, API mode and broker mode (Redis Streams) side by side: latency (p50/p99) and sagas per second for register and modify, on
 * SQLite and on MariaDB, against the three real services on loopback (all in this process, so
 * the figures include the client's CPU on the same cores). Bounded: --n sagas per measurement
 * (default 200) and at most --seconds each (default 20). Baselines from the same run: one bare
 * INSERT into SA_PPON_CONT on each engine, and SQLite register for the ratio column. Broker-mode
 * latency runs from the 202 until MS1's notice that the saga ended (Redis pub/sub, sent once the
 * transaction that ended it committed, naming END or CANCEL), as a BFF learns it; the log is read
 * only should no notice come within a second, and after each measurement the saga log must say
 * END for every broker saga it started; its row shows the ratio to the
 * API mode of the same operation and engine.
 * `--bus kafka` runs the broker mode on Kafka (127.0.0.1:9092) instead of Redis Streams;
 * `--instances 2` starts two of each service on the same databases and bus (clients spread over
 * the MS1s). Needs Redis on 127.0.0.1:6379 (this run's streams and topics are deleted afterwards).
 *
 * `--rounds 3` measures each operation three times, API and broker mode alternating, and gives the
 * medians (one run's ratio moves ±25 % on a shared 2-core machine; the medians' much less).
 *
 * A second table counts what one operation asks of the servers at that concurrency: MariaDB's
 * statements (its `Questions`: keep the machine otherwise quiet) and, with `--bus kafka` and the
 * services in this process, Kafka requests by kind (the client's diagnostics channel).
 *
 *   npx tsx bench/saga-api.ts [--n 200] [--concurrency 8] [--seconds 20] [--bus redis|kafka] [--instances 1] [--rounds 1] [--db sqlite,mariadb]
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { loadServiceConfig, type ServiceName } from '../config/service-config';
import { inetaplcaService } from '../services/inetaplca/service';
import { intelnetService } from '../services/intelnet/service';
import { pponService } from '../services/ppon/service';
import { startService, type ServiceDefinition } from '../services/platform/run-service';
import { createDatabase } from '../services/platform/db/create-database';
import { cpuMsOf, entry } from './support/bench-processes';
import { freePort } from '../test/support/free-port';
import { spawnReady } from '../test/support/spawn-ready';
import { startDevSso } from '../test/support/dev-sso';
import { cardNumber, serviceNumber } from '../test/support/valid-contract';
import { dropKafkaTopics } from '../test/services/support/service-harness';
import { parseChangeNotice } from '../lib/notices/change-notice';
import { connectionsApiChannel } from '@platformatic/kafka';

type Kind = 'sqlite' | 'mariadb';
interface Row {
  db: Kind;
  what: string;
  n: number;
  p50: number;
  p99: number;
  perSecond: number;
  cpuMs: number;
  serverCpuMs: { db: number; bus: number };
  /** Per operation, at CONCURRENCY: statements MariaDB ran (its `Questions`, every client's), and Kafka requests by kind (services in this process only). */
  requests: { statements?: number; kafka?: Record<KafkaRequest, number> };
}
type KafkaRequest = 'produce' | 'fetch' | 'commit' | 'other';

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
/** `--processes`: each service in its own process, compiled, as deployed (the bench process is then the client alone). */
const PROCESSES = process.argv.includes('--processes');
const CONCURRENCY = arg('concurrency', 8);
/** `--rounds 3`: each operation measured three times, the modes alternating; the table gives each figure's median. */
const ROUNDS = Math.max(1, arg('rounds', 1));
const SECONDS = arg('seconds', 20);
/** Contracts each client worker modifies in turn (`--contracts-per-worker`). */
const CONTRACTS_PER_WORKER = Math.max(1, arg('contracts-per-worker', 8));
const RUN = `bench_${Date.now().toString(36)}`;
const SQLITE_DIR = path.join(os.tmpdir(), `saga-bench-${RUN}`);
const REDIS_URL = 'redis://127.0.0.1:6379';
/** The services authenticate every call: the real dev SSO, and the operator client's token. */
const identity = { issuer: '', authorization: '' };
const DEFINITIONS: Record<ServiceName, ServiceDefinition> = { ppon: pponService, inetaplca: inetaplcaService, intelnet: intelnetService };
const NOTICE_CHANNEL = `${RUN}:notices`;
const busEnv = BUS === 'kafka' ? { EVENT_BUS: 'kafka', KAFKA_BROKERS, KAFKA_PARTITIONS: text('partitions', '6') } : { EVENT_BUS: 'redis' };

/** What the bench needs of a running service, in this process or its own. */
interface BenchService {
  url: string;
  /** Its process, when it runs in its own. */
  pid?: number;
  close(): Promise<void>;
}

/** `INSTANCES` of each service on one database per service and one bus; MS1 i calls MS2/MS3 i. */
async function startAll(kind: Kind): Promise<Record<ServiceName, BenchService[]>> {
  const start = async (name: ServiceName, extra: Record<string, string> = {}): Promise<BenchService> => {
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
    if (!PROCESSES) return startService(DEFINITIONS[name], loadServiceConfig(name, env));
    // As deployed: the compiled service in its own process (its own event loop and core).
    const port = await freePort();
    const spawned = await spawnReady(process.execPath, entry(`services/${name}/main.ts`), { ...env, [`${prefix}_PORT`]: String(port) }, / ready on /, 60_000);
    return { url: `http://127.0.0.1:${port}`, pid: spawned.child.pid, close: () => spawned.stop() };
  };
  const inetaplca: BenchService[] = [];
  const intelnet: BenchService[] = [];
  const ppon: BenchService[] = [];
  try {
    for (let i = 0; i < INSTANCES; i++) {
      inetaplca.push(await start('inetaplca'));
      intelnet.push(await start('intelnet'));
      ppon.push(await start('ppon', { INETAPLCA_URL: inetaplca[i].url, INTELNET_URL: intelnet[i].url }));
    }
  } catch (err) {
    // One that failed to start stops the ones already running (with --processes, our children).
    await Promise.all([...ppon, ...inetaplca, ...intelnet].map((s) => s.close()));
    throw err;
  }
  return { ppon, inetaplca, intelnet };
}

/** Broker-mode completion as a BFF learns it: MS1's notice, sent once the transaction that ended the saga committed, names the end state. */
const waiters = new Map<string, (state: string) => void>();
let noticeReader: Redis | undefined;
async function listenForNotices(): Promise<void> {
  noticeReader = new Redis(REDIS_URL);
  noticeReader.on('message', (_channel: string, message: string) => {
    const notice = parseChangeNotice(message);
    if (notice && 'saga' in notice && (notice.state === 'END' || notice.state === 'CANCEL')) waiters.get(notice.saga)?.(notice.state);
  });
  await noticeReader.subscribe(NOTICE_CHANNEL);
}

async function post(url: string, body: unknown, globalNo?: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: identity.authorization, ...(globalNo ? { 'x-global-no': globalNo } : {}) }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`saga failed: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Every broker saga a measurement started: after it, the saga log must say END for each (`verifyEnded`). */
const brokerSagas: string[] = [];

/**
 * Broker mode: the 202, then the end notice (the outcome, as API mode's answer is); a read of the
 * saga log only if no notice came within a second (a lost notice). Anything but END is a failure.
 */
async function postAndAwait(ppon: BenchService, path: string, body: unknown): Promise<Record<string, unknown>> {
  let ended: string | undefined; // the notice came before anyone waited
  let wake: (state: string) => void = (state) => void (ended = state);
  const globalNo = `bench-${randomUUID()}`;
  waiters.set(globalNo, (state) => wake(state));
  brokerSagas.push(globalNo);
  try {
    const accepted = await post(`${ppon.url}${path}`, body, globalNo);
    const t0 = performance.now();
    for (;;) {
      const state = ended ?? (await new Promise<string | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), 1000);
        wake = (s) => (clearTimeout(timer), resolve(s));
      }));
      const outcome = state ?? (((await (await fetch(`${ppon.url}/sagas/${globalNo}`, { headers: { authorization: identity.authorization } })).json()) as { state?: string }).state);
      if (outcome === 'END') return accepted;
      if (outcome !== 'START') {
        const saga = (await (await fetch(`${ppon.url}/sagas/${globalNo}`, { headers: { authorization: identity.authorization } })).json()) as { message?: string };
        throw new Error(`broker saga ${globalNo} ended ${String(outcome)}: ${String(saga.message)}`);
      }
      if (performance.now() - t0 > 30_000) throw new Error('broker saga did not end within 30 s');
    }
  } finally {
    waiters.delete(globalNo);
  }
}

/** The saga log, read once after a measurement: every broker saga it started says END. */
async function verifyEnded(db: Awaited<ReturnType<typeof baselineDatabase>>['db']): Promise<void> {
  const started = brokerSagas.splice(0);
  for (let i = 0; i < started.length; i += 500) {
    const slice = started.slice(i, i + 500);
    const rows = await db.selectFrom('SA_SAGA').select(['GLOBAL_NO', 'STATE']).where('GLOBAL_NO', 'in', slice).execute();
    const notEnded = slice.length - rows.filter((r) => r.STATE === 'END').length;
    if (notEnded > 0) throw new Error(`${notEnded} of ${slice.length} broker sagas are not END in the saga log`);
  }
}

const register = (ppon: BenchService, i: number) =>
  post(`${ppon.url}/cont/regSagaApi`, { pponContPayload: { contr: `Bench ${i}`, payr: 'Payer', svcNo: serviceNumber(i), cardNo: cardNumber(i), mkerId: 'bench' } });
const modify = (ppon: BenchService, no: number, i: number) =>
  post(`${ppon.url}/cont/amdSagaApi`, { pponContPayload: { saPponContNo: no, payr: `Payer ${i}`, amdrId: 'bench' } });
const registerBroker = (ppon: BenchService, i: number) =>
  postAndAwait(ppon, '/cont/regPubsub', { pponContPayload: { contr: `Bench ${i}`, payr: 'Payer', svcNo: serviceNumber(i), cardNo: cardNumber(i), mkerId: 'bench' } });
const modifyBroker = (ppon: BenchService, no: number, i: number) =>
  postAndAwait(ppon, '/cont/amdPubsub', { pponContPayload: { saPponContNo: no, payr: `Payer ${i}`, amdrId: 'bench' } });

/** Per operation, the median of each figure over its rounds (one round: the figures as measured). */
function medians(rows: Row[]): Row[] {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const names = [...new Set(rows.map((r) => r.what))];
  return names.map((what) => {
    const of = rows.filter((r) => r.what === what);
    const m = (pick: (r: Row) => number) => median(of.map(pick));
    const statements = of.every((r) => r.requests.statements !== undefined) ? m((r) => r.requests.statements ?? 0) : undefined;
    const kafka = of[0].requests.kafka ? (Object.fromEntries(Object.keys(of[0].requests.kafka).map((k) => [k, m((r) => r.requests.kafka?.[k as KafkaRequest] ?? 0)])) as Record<KafkaRequest, number>) : undefined;
    return { db: of[0].db, what, n: of[0].n, p50: m((r) => r.p50), p99: m((r) => r.p99), perSecond: m((r) => r.perSecond), cpuMs: m((r) => r.cpuMs), serverCpuMs: { db: m((r) => r.serverCpuMs.db), bus: m((r) => r.serverCpuMs.bus) }, requests: { statements, kafka } };
  });
}

/** The processes of the servers a measurement loads beside ours, found by name (none found: not counted): the database's, and the bus's (Redis: notices, and Streams). */
function serverPids(db: Kind): { db: number[]; bus: number[] } {
  const find = (names: string[]) => names.flatMap((name) => {
    try {
      return execFileSync('pgrep', ['-f', name], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
  return { db: db === 'mariadb' ? find(['mariadbd', 'mysqld']) : [], bus: find(['redis-server', ...(BUS === 'kafka' ? ['kafka.Kafka'] : [])]) };
}

/** Kafka requests the services in this process sent, by kind (the client's diagnostics channel; `--processes` has none to count). */
const kafkaSent: Record<KafkaRequest, number> = { produce: 0, fetch: 0, commit: 0, other: 0 };
/** Kafka's request kinds (api keys) the table names; heartbeats, metadata and the rest are "other". */
const KAFKA_API: Record<number, KafkaRequest> = { 0: 'produce', 1: 'fetch', 8: 'commit' };
function countKafkaRequests(): void {
  const count = (event: Record<string, unknown>) => void kafkaSent[KAFKA_API[Number(event.apiKey)] ?? 'other']++;
  connectionsApiChannel.subscribe({ start: count, end: () => undefined, asyncStart: () => undefined, asyncEnd: () => undefined, error: () => undefined });
}
/** MariaDB's count of statements run, by every client (the machine runs nothing else during a bench). */
async function statementsRun(kind: Kind): Promise<number | undefined> {
  if (kind !== 'mariadb') return undefined;
  const admin = await createConnection({ host: '127.0.0.1', user: 'root' });
  try {
    const [rows] = await admin.query("SHOW GLOBAL STATUS LIKE 'Questions'");
    return Number((rows as { Value: string }[])[0]?.Value);
  } finally {
    await admin.end();
  }
}

/** Sequential calls for latency, then `CONCURRENCY` workers for throughput; each bounded by N and SECONDS. */
async function measure(pids: number[], db: Kind, what: string, op: (worker: number, i: number, concurrent: boolean) => Promise<unknown>): Promise<Row> {
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
  const cpu0 = process.cpuUsage();
  const children0 = cpuMsOf(...pids);
  const servers = serverPids(db);
  const servers0 = { db: cpuMsOf(...servers.db), bus: cpuMsOf(...servers.bus) };
  const statements0 = await statementsRun(db);
  const kafka0 = { ...kafkaSent };
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
  const cpu = process.cpuUsage(cpu0);
  // CPU of the bench's node processes (client, SSO, every service) per operation: what a loaded
  // machine moves least. The servers' own CPU (MariaDB, Redis, Kafka) is counted apart below.
  const cpuMs = ((cpu.user + cpu.system) / 1000 + cpuMsOf(...pids) - children0) / Math.max(1, done);
  // The servers on the same cores (the database, the bus): what the saga costs them.
  const serverCpuMs = { db: (cpuMsOf(...servers.db) - servers0.db) / Math.max(1, done), bus: (cpuMsOf(...servers.bus) - servers0.bus) / Math.max(1, done) };
  const perOp = (n: number) => n / Math.max(1, done);
  const statements1 = await statementsRun(db);
  // Less what reading the counter itself counts (2 statements, measured with nothing else running).
  const statements = statements0 !== undefined && statements1 !== undefined ? perOp(statements1 - statements0 - 2) : undefined;
  const kafka = BUS === 'kafka' && !PROCESSES ? (Object.fromEntries(Object.entries(kafkaSent).map(([k, v]) => [k, perOp(v - kafka0[k as KafkaRequest])])) as Record<KafkaRequest, number>) : undefined;
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { db, what, n: latencies.length, p50: pick(0.5), p99: pick(0.99), perSecond, cpuMs, serverCpuMs, requests: { statements, kafka } };
}

async function benchKind(kind: Kind): Promise<Row[]> {
  const services = await startAll(kind);
  // Client worker w talks to MS1 number w mod INSTANCES.
  const ms1 = (w: number) => services.ppon[w % services.ppon.length];
  try {
    const { db } = await baselineDatabase(kind);
    const pids = Object.values(services).flat().flatMap((s) => (s.pid ? [s.pid] : []));
    const bareInsert = () => db.insertInto('SA_PPON_CONT').values({ CONTR: 'Baseline', DEL_YN: 'N', TRANSAC_STTUS: 'END' }).execute();
    for (let i = 0; i < 20; i++) await register(ms1(i), i); // warm-up: JIT, pools, keep-alive sockets
    const rows = [await measure(pids, kind, 'bare INSERT (baseline)', () => bareInsert())];
    // Each worker modifies its own contracts in turn (a contract takes one saga at a time: the 409
    // guard), CONTRACTS_PER_WORKER of them: a telecom's modifies touch many contracts, so their
    // keys spread over the bus's partitions; 32 fixed keys can land unevenly on 6 partitions and
    // load one instance of a participant more than the other.
    const contracts = await Promise.all(Array.from({ length: CONCURRENCY * CONTRACTS_PER_WORKER }, (_, i) => register(ms1(i), i)));
    const turns = new Array<number>(CONCURRENCY).fill(0);
    const contractOf = (w: number) => contracts[w + CONCURRENCY * (turns[w]++ % CONTRACTS_PER_WORKER)].saPponContNo as number;
    type Measurement = () => Promise<Row>;
    const operations: Measurement[] = [];
    if (MODES.includes('api')) {
      operations.push(() => measure(pids, kind, 'register saga', (w, i) => register(ms1(w), i)));
      operations.push(() => measure(pids, kind, 'modify saga', (w, i) => modify(ms1(w), contractOf(w), i)));
    }
    if (MODES.includes('broker')) {
      for (let i = 0; i < 20; i++) await registerBroker(ms1(i), i); // warm-up of the consumers
      await verifyEnded(db);
      const ended = (row: Row) => verifyEnded(db).then(() => row);
      operations.push(() => measure(pids, kind, 'register saga, broker (202→END)', (w, i) => registerBroker(ms1(w), i)).then(ended));
      operations.push(() => measure(pids, kind, 'modify saga, broker (202→END)', (w, i) => modifyBroker(ms1(w), contractOf(w), i)).then(ended));
    }
    // Every round measures every operation, odd rounds in reverse order: a machine that warms up or
    // slows down in the course of a run weighs on both modes alike, and the medians say so.
    const measured: Row[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const operation of round % 2 === 0 ? operations : [...operations].reverse()) measured.push(await operation());
    }
    rows.push(...medians(measured));
    await db.destroy();
    return rows;
  } finally {
    await Promise.all(Object.values(services).flat().map((s) => s.close()));
  }
}

/** MS1's database, opened by the bench itself for the bare-INSERT baseline. */
function baselineDatabase(kind: Kind) {
  return createDatabase({ kind, sqliteFile: path.join(SQLITE_DIR, 'ppon.sqlite'), mariadbUrl: `mysql://root@127.0.0.1:3306/sa_${RUN}_ppon` });
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
    if (BUS === 'kafka' && !PROCESSES) countKafkaRequests();
    await listenForNotices();
    for (const kind of KINDS) rows.push(...(await benchKind(kind)));
  } finally {
    await cleanUp();
    await sso.stop();
  }
  const baseline = rows.find((r) => r.db === 'sqlite' && r.what === 'register saga') ?? rows.find((r) => r.what === 'register saga') ?? rows[0];
  const f = (x: number) => x.toFixed(2);
  console.log(`\nSagas, API mode and broker mode (${BUS === 'kafka' ? 'Kafka' : 'Redis Streams'}), ${INSTANCES} instance(s) of each service${PROCESSES ? ', each in its own process (compiled)' : ', all in this process'}, loopback, n=${N} sequential for latency, ${CONCURRENCY} concurrent for throughput${ROUNDS > 1 ? `, medians of ${ROUNDS} rounds (the modes alternating)` : ''} (node ${process.version}, ${os.cpus().length} cores)\n`);
  console.log('| db | operation | n | p50 ms | p99 ms | per second (c=' + CONCURRENCY + ') | CPU ms per op (c=' + CONCURRENCY + ') | servers\' CPU ms per op (database + bus) | p50 vs ' + baseline.db + ' register | broker vs API (p50 / per second) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const api = r.what.includes('broker') ? rows.find((a) => a.db === r.db && a.what === r.what.replace(', broker (202→END)', '')) : undefined;
    const vsApi = api ? `${f(r.p50 / api.p50)}× / ${f(r.perSecond / api.perSecond)}×` : '';
    console.log(`| ${r.db} | ${r.what} | ${r.n} | ${f(r.p50)} | ${f(r.p99)} | ${r.perSecond.toFixed(0)} | ${r.cpuMs.toFixed(1)} | ${r.serverCpuMs.db.toFixed(1)} + ${r.serverCpuMs.bus.toFixed(1)} | ${f(r.p50 / baseline.p50)}× | ${vsApi} |`);
  }
  // What one operation asks of the servers at CONCURRENCY: where the broker mode's extra cost goes.
  const counted = rows.filter((r) => r.what !== 'bare INSERT (baseline)' && (r.requests.statements !== undefined || r.requests.kafka));
  if (counted.length === 0) return;
  console.log(`\nRequests to the servers per operation (c=${CONCURRENCY})${PROCESSES ? '; Kafka requests are counted only with the services in this process' : ''}\n`);
  console.log('| db | operation | MariaDB statements | Kafka produce | Kafka fetch | Kafka offset commit | Kafka other | Kafka in all |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of counted) {
    const k = r.requests.kafka;
    const cell = (v: number | undefined) => (v === undefined ? '' : v.toFixed(1));
    console.log(`| ${r.db} | ${r.what} | ${cell(r.requests.statements)} | ${cell(k?.produce)} | ${cell(k?.fetch)} | ${cell(k?.commit)} | ${cell(k?.other)} | ${k ? cell(k.produce + k.fetch + k.commit + k.other) : ''} |`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
