/**
 * API-mode saga benchmark: latency (p50/p99) and sagas per second for register and modify, on
 * SQLite and on MariaDB, against the three real services on loopback (all in this process, so
 * the figures include the client's CPU on the same cores). Bounded: --n sagas per measurement
 * (default 200) and at most --seconds each (default 20). Baselines from the same run: one bare
 * INSERT into SA_PPON_CONT on each engine, and SQLite register for the ratio column.
 *
 *   npx tsx bench/saga-api.ts [--n 200] [--concurrency 8] [--seconds 20]
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { createConnection } from 'mysql2/promise';
import { loadServiceConfig, type ServiceName } from '../config/service-config';
import { inetaplcaService } from '../services/inetaplca/service';
import { intelnetService } from '../services/intelnet/service';
import { pponService } from '../services/ppon/service';
import { startService, type RunningService, type ServiceDefinition } from '../services/shared/run-service';

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
const DEFINITIONS: Record<ServiceName, ServiceDefinition> = { ppon: pponService, inetaplca: inetaplcaService, intelnet: intelnetService };

async function startAll(kind: Kind): Promise<Record<ServiceName, RunningService>> {
  const start = (name: ServiceName, extra: Record<string, string> = {}) => {
    const prefix = name.toUpperCase();
    const env = Object.fromEntries(
      Object.entries({
        PORT: '0', DB_KIND: kind, LOG_LEVEL: 'silent', SQLITE_FILE: path.join(SQLITE_DIR, `${name}.sqlite`),
        MARIADB_URL: `mysql://root@127.0.0.1:3306/sa_${RUN}_${name}`, ...extra,
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
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`saga failed: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const register = (ppon: RunningService, i: number) =>
  post(`${ppon.url}/cont/regSagaApi`, { pponContPayload: { contr: `Bench ${i}`, payr: 'Payer', svcNo: `02-${i}`, cardNo: '9410', mkerId: 'bench' } });
const modify = (ppon: RunningService, no: number, i: number) =>
  post(`${ppon.url}/cont/amdSagaApi`, { pponContPayload: { saPponContNo: no, payr: `Payer ${i}`, amdrId: 'bench' } });

/** Sequential calls for latency, then `CONCURRENCY` workers for throughput; each bounded by N and SECONDS. */
async function measure(db: Kind, what: string, op: (worker: number, i: number) => Promise<unknown>): Promise<Row> {
  const latencies: number[] = [];
  const deadline = Date.now() + SECONDS * 1000;
  for (let i = 0; i < N && Date.now() < deadline; i++) {
    const t0 = performance.now();
    await op(0, i);
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  let done = 0;
  const t0 = performance.now();
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let i = worker; i < N && Date.now() < until; i += CONCURRENCY) {
        await op(worker, i);
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
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  try {
    rows.push(...(await benchKind('sqlite')));
    rows.push(...(await benchKind('mariadb')));
  } finally {
    await cleanUp();
  }
  const baseline = rows.find((r) => r.db === 'sqlite' && r.what === 'register saga') as Row;
  const f = (x: number) => x.toFixed(2);
  console.log(`\nAPI-mode saga, loopback, n=${N} sequential for latency, ${CONCURRENCY} concurrent for throughput (node ${process.version}, ${os.cpus().length} cores)\n`);
  console.log('| db | operation | n | p50 ms | p99 ms | per second (c=' + CONCURRENCY + ') | p50 vs SQLite register |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.db} | ${r.what} | ${r.n} | ${f(r.p50)} | ${f(r.p99)} | ${r.perSecond.toFixed(0)} | ${f(r.p50 / baseline.p50)}× |`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
