/**
 * `npm run bench:list [-- --n 200 --contracts 100 --db sqlite]` (docs/benchmarks.md): one page of 20 contracts
 * for a screen, read from the contract view (one call) versus composed the way the BFF did before
 * (MS1's page, then each row composed from MS1, MS2 and MS3, four rows at a time), through the
 * BFF's own HTTP client against the real services, the real view and the dev SSO, on one machine.
 * Prints p50, p99 and upstream calls per page for both, and the ratios.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { loadServiceConfig, type ServiceName } from '../config/service-config';
import { loadContractViewConfig } from '../config/contract-view-config';
import { composeContract } from '../core/compose/compose-contract';
import { createUpstream, type CallContext, type Upstream } from '../core/compose/create-upstream';
import { mapLimit } from '../core/compose/map-limit';
import { inetaplcaService } from '../services/inetaplca/service';
import { intelnetService } from '../services/intelnet/service';
import { pponService } from '../services/ppon/service';
import { startContractView } from '../services/contract-view/run-contract-view';
import { startService, type RunningService, type ServiceDefinition } from '../services/platform/run-service';
import { startDevSso } from '../test/support/dev-sso';
import { cardNumber, serviceNumber } from '../test/support/valid-contract';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const N = Number(arg('n', '200'));
const CONTRACTS = Number(arg('contracts', '100'));
const KIND = arg('db', 'sqlite') as 'sqlite' | 'mariadb';
const PAGE = 20;
const RUN = `bench_${Date.now().toString(36)}`;
const DIR = path.join(os.tmpdir(), `list-bench-${RUN}`);
const REDIS_URL = 'redis://127.0.0.1:6379';
const DEFINITIONS: Record<ServiceName, ServiceDefinition> = { ppon: pponService, inetaplca: inetaplcaService, intelnet: intelnetService };

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** The BFF's HTTP client, counting the calls each page makes. */
function counted(name: string, url: string, calls: { n: number }): Upstream {
  const upstream = createUpstream(name, url, { timeoutMs: 10_000, breakerThreshold: 1000, breakerHalfOpenMs: 1000 });
  return {
    name,
    request: (...args) => (calls.n++, upstream.request(...args)),
    getJson: (...args) => (calls.n++, upstream.getJson(...args)),
  };
}

async function measure(label: string, page: () => Promise<number>, calls: { n: number }) {
  for (let i = 0; i < 10; i++) await page(); // warm-up: connections, caches, JIT
  const times: number[] = [];
  let rows = 0;
  calls.n = 0;
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    rows += await page();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { label, p50: pct(times, 50), p99: pct(times, 99), callsPerPage: calls.n / N, rowsPerPage: rows / N };
}

async function main() {
  const sso = await startDevSso([], { SSO_ACCESS_TOKEN_TTL: '3600' });
  const running: { close(): Promise<void> }[] = [];
  try {
    const env = (prefix: string, extra: Record<string, string>) =>
      Object.fromEntries(
        Object.entries({
          PORT: '0', DB_KIND: KIND, LOG_LEVEL: 'silent', REDIS_URL, EVENT_BUS: 'redis', EVENT_TOPIC_PREFIX: `${RUN}.sa-app-samp-ppon-cont-`,
          CACHE_KEY_PREFIX: `${RUN}:`, SSO_ISSUER: sso.issuer, ...extra,
        }).map(([k, v]) => [`${prefix}_${k}`, v]),
      );
    const start = async (name: ServiceName, extra: Record<string, string> = {}) => {
      const service = await startService(DEFINITIONS[name], loadServiceConfig(name, env(name.toUpperCase(), { SQLITE_FILE: path.join(DIR, `${name}.sqlite`), MARIADB_URL: `mysql://root@127.0.0.1:3306/sa_${RUN}_${name}`, ...extra })));
      running.push(service);
      return service;
    };
    const inetaplca = await start('inetaplca');
    const intelnet = await start('intelnet');
    const ppon: RunningService = await start('ppon', { INETAPLCA_URL: inetaplca.url, INTELNET_URL: intelnet.url });
    const view = await startContractView(loadContractViewConfig(env('CONTRACT_VIEW', { SQLITE_FILE: path.join(DIR, 'view.sqlite'), MARIADB_URL: `mysql://root@127.0.0.1:3306/sa_${RUN}_view` })));
    running.push(view);

    const token = await sso.userToken('ops');
    const ctx: CallContext = { globalNo: `${RUN}-list`, accessToken: token };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    for (let i = 0; i < CONTRACTS; i++) {
      const res = await fetch(`${ppon.url}/cont/regSagaApi`, { method: 'POST', headers, body: JSON.stringify({ pponContPayload: { contr: `Bench ${i}`, payr: `Payer ${i % 7}`, svcNo: serviceNumber(i), cardNo: cardNumber(i) } }) });
      if (res.status !== 201) throw new Error(`register failed: ${res.status}`);
    }
    for (const started = Date.now(); ; await new Promise((r) => setTimeout(r, 100))) {
      const lag = await view.deps.lag.measure();
      const { total } = await view.deps.store.search({ size: 1, sort: 'no', order: 'desc', includeDeleted: false, state: 'END' });
      if (lag.events === 0 && total === CONTRACTS) break;
      if (Date.now() - started > 60_000) throw new Error('the view did not catch up in 60 s');
    }

    const calls = { n: 0 };
    const up = { ppon: counted('ppon', ppon.url, calls), inetaplca: counted('inetaplca', inetaplca.url, calls), intelnet: counted('intelnet', intelnet.url, calls), view: counted('contract-view', view.url, calls) };
    // Before the contract view (routes/contract-routes.ts listPage): MS1's page, each row composed, four at a time.
    const composed = await measure('composed (MS1 page + 3 calls per row, 4 rows at a time)', async () => {
      const page = await up.ppon.getJson<{ items: { saPponContNo: number }[] }>(`/cont?page=1&size=${PAGE}`, ctx);
      const rows = await mapLimit(page.items, 4, (row) => composeContract(up, row.saPponContNo, ctx, 5000));
      return rows.length;
    }, calls);
    const fromView = await measure('contract view (one call)', async () => {
      const { body } = await up.view.request<{ items: unknown[] }>('GET', `/view/contracts?size=${PAGE}`, ctx);
      return body.items.length;
    }, calls);
    const searched = await measure('contract view, payer prefix + sort by contractor', async () => {
      const { body } = await up.view.request<{ items: unknown[] }>('GET', `/view/contracts?size=${PAGE}&payr=Payer%203&sort=contr&order=asc`, ctx);
      return body.items.length;
    }, calls);

    console.log(`\nlist of ${PAGE}, ${CONTRACTS} contracts, ${KIND}, Redis Streams, n=${N} sequential pages (Node ${process.version}, ${os.cpus().length} cores)\n`);
    console.log('| read | rows per page | p50 ms | p99 ms | upstream calls per page | p50 vs composed | p99 vs composed |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const r of [composed, fromView, searched]) {
      console.log(`| ${r.label} | ${r.rowsPerPage} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.callsPerPage} | ${(r.p50 / composed.p50).toFixed(2)}× | ${(r.p99 / composed.p99).toFixed(2)}× |`);
    }
  } finally {
    for (const r of running.reverse()) await r.close().catch(() => undefined);
    await sso.stop();
    fs.rmSync(DIR, { recursive: true, force: true });
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${RUN}[:.]*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    if (KIND === 'mariadb') {
      const admin = await createConnection({ host: '127.0.0.1', user: 'root' });
      const [rows] = await admin.query(`SHOW DATABASES LIKE 'sa\\_${RUN}\\_%'`);
      for (const row of rows as Record<string, string>[]) await admin.query(`DROP DATABASE \`${Object.values(row)[0]}\``);
      await admin.end();
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
