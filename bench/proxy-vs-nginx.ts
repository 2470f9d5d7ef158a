/**
 * What the BFF's legacy routing costs next to nginx. In one run, against the same upstream (the
 * legacy stand-in, its own process), autocannon measures GET /api/invoices (a small JSON answer):
 *   direct → the stand-in; nginx → the stand-in (installed from Debian if missing, config in
 *   bench/nginx/); BFF → the stand-in through /legacy/app with a session logged in via the real
 *   dev SSO (one Redis GET per request), with each proxy engine; the BFF's public row and its edge
 *   alone (/healthz); then BFF_WORKERS=2 beside nginx with 2 workers, and two BFF instances
 *   (sessions shared in Redis) behind nginx round-robin. Loopback only; every process shares this
 *   machine's cores, so compare the ratios (measured in the same round), not the absolute figures.
 *   With --rounds N every row is measured N times, interleaved, and medians are printed.
 *
 * The BFF and the stand-in run from the compiled build (built first), as in production; `--tsx`
 * runs them from the sources.
 *
 *   npm run bench:proxy [-- --seconds 8 --connections 50 --rounds 1 --tsx]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { median, numberArg } from './support/bench-args';
import { cpuMsOf, startBffProcess, startLegacyProcess, startNginx } from './support/bench-processes';

const SECONDS = numberArg('seconds', 8);
const CONNECTIONS = numberArg('connections', 50);
const ROUNDS = numberArg('rounds', 1);

interface Row { via: string; rps: number; p50: number; p99: number; errors: number; cpuUs: number }

async function measure(via: string, url: string, pids: number[], headers: Record<string, string> = {}): Promise<Row> {
  await autocannon({ url, connections: CONNECTIONS, duration: 2, headers }); // warm-up, discarded
  const cpuBefore = cpuMsOf(...pids);
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  const cpuUs = ((cpuMsOf(...pids) - cpuBefore) * 1000) / Math.max(1, r.requests.total);
  const row = { via, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx, cpuUs };
  console.log(`  ${via}: ${row.rps.toFixed(0)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, failures ${row.errors}, proxy CPU ${cpuUs.toFixed(0)} µs/request`);
  return row;
}

/** The same table for every BFF: the session row on each engine, the public row. */
function routesFile(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-routes-')), 'routes.json');
  const target = '${LEGACY_APP_URL}';
  fs.writeFileSync(file, JSON.stringify({
    routes: [
      { path: '/legacy/app', target, timeoutMs: 15000, auth: 'session' },
      { path: '/legacy/app-http-proxy', target, timeoutMs: 15000, auth: 'session', engine: 'http-proxy' },
      { path: '/legacy/notice', target, pathRewrite: { '^/': '/public/' }, timeoutMs: 5000, auth: 'public' },
    ],
  }));
  return file;
}

async function main(): Promise<void> {
  console.log(`proxy benchmark on Node ${process.version} (${process.argv.includes('--tsx') ? 'sources through tsx' : 'compiled build'}): ${CONNECTIONS} connections, ${SECONDS} s each (after a 2 s warm-up), ${ROUNDS} round(s), ${os.availableParallelism()} cores, load average ${os.loadavg()[0].toFixed(1)}`);
  const legacy = await startLegacyProcess();
  const env = { LEGACY_ROUTES_FILE: routesFile() };
  const stops: (() => Promise<void>)[] = [() => legacy.stop()];
  try {
    const nginx = await startNginx(legacy.url);
    stops.unshift(nginx.stop);
    const nginx2 = await startNginx(legacy.url, { workers: 2 });
    stops.unshift(nginx2.stop);
    const bff = await startBffProcess(legacy.url, env);
    stops.unshift(bff.stop);
    const clustered = await startBffProcess(legacy.url, { ...env, BFF_WORKERS: '2' });
    stops.unshift(clustered.stop);
    // Two instances sharing one session prefix (and the dev session secret): a cookie from one is good at the other.
    const shared = { ...env, SESSION_PREFIX: `bench:${Date.now().toString(36)}:shared:sess:` };
    const first = await startBffProcess(legacy.url, shared);
    stops.unshift(first.stop);
    const second = await startBffProcess(legacy.url, shared, first.cookie);
    stops.unshift(second.stop);
    const balancer = await startNginx(legacy.url, { balance: [first.url, second.url] });
    stops.unshift(balancer.stop);

    const app = '/legacy/app/api/invoices';
    const cookie = { cookie: bff.cookie };
    // Nine processes just started (JIT, lazy loading, connections): let them settle, and warm every BFF once,
    // so the first row measured does not pay for the others' start-up.
    await new Promise((r) => setTimeout(r, 5_000));
    for (const [url, c] of [[bff.url, bff.cookie], [clustered.url, clustered.cookie], [balancer.url, first.cookie]] as const) {
      await autocannon({ url: `${url}${app}`, connections: CONNECTIONS, duration: 2, headers: { cookie: c } });
    }
    const rounds: Record<string, Row>[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      if (ROUNDS > 1) console.log(`round ${round}`);
      const rows: Row[] = [
        await measure('direct', `${legacy.url}/api/invoices`, [legacy.child.pid!]),
        await measure('nginx (1 worker)', `${nginx.url}${app}`, [nginx.pid], cookie),
        await measure('BFF session row (undici engine)', `${bff.url}${app}`, [bff.pid], cookie),
        await measure('BFF session row (http-proxy engine)', `${bff.url}/legacy/app-http-proxy/api/invoices`, [bff.pid], cookie),
        await measure('BFF public row (no session)', `${bff.url}/legacy/notice/`, [bff.pid]),
        await measure('BFF /healthz (edge only, no proxy)', `${bff.url}/healthz`, [bff.pid]),
        await measure('nginx (2 workers)', `${nginx2.url}${app}`, [nginx2.pid], cookie),
        await measure('BFF session row, BFF_WORKERS=2', `${clustered.url}${app}`, [clustered.pid], { cookie: clustered.cookie }),
        await measure('nginx round-robin → 2 BFF instances, session row', `${balancer.url}${app}`, [balancer.pid, first.pid, second.pid], { cookie: first.cookie }),
      ];
      rounds.push(Object.fromEntries(rows.map((r) => [r.via, r])));
    }

    const vias = Object.keys(rounds[0]);
    const med = (via: string, key: keyof Omit<Row, 'via'>) => median(rounds.map((r) => r[via][key]));
    const ratio = (a: string, b: string, key: 'rps' | 'p99' | 'cpuUs') => median(rounds.map((r) => r[a][key] / r[b][key]));
    console.log(`\n| path | requests/s | p50 ms | p99 ms | failures | proxy CPU µs/request |\n| --- | ---: | ---: | ---: | ---: | ---: |`);
    for (const via of vias) console.log(`| ${via} | ${med(via, 'rps').toFixed(0)} | ${med(via, 'p50')} | ${med(via, 'p99')} | ${med(via, 'errors')} | ${med(via, 'cpuUs').toFixed(0)} |`);
    const n1 = 'nginx (1 worker)';
    const line = (label: string, via: string, base: string, need = '') =>
      console.log(`| ${label} | ${ratio(via, base, 'rps').toFixed(2)}× | ${ratio(via, base, 'p99').toFixed(2)}× | ${ratio(via, base, 'cpuUs').toFixed(1)}× | ${need} |`);
    console.log(`\nRatios (median of the per-round ratios; each against the baseline measured in the same round)\n`);
    console.log('| comparison | requests/s | p99 | CPU per request | required |\n| --- | ---: | ---: | ---: | --- |');
    line('BFF session row (undici) / nginx', 'BFF session row (undici engine)', n1, 'req/s ≥ 0.5× (aim 0.8×), p99 ≤ 1.5×');
    line('BFF session row (http-proxy) / nginx', 'BFF session row (http-proxy engine)', n1);
    line('BFF public row / nginx', 'BFF public row (no session)', n1, 'req/s ≥ 0.6×, p99 ≤ 1.5×');
    line('BFF /healthz / nginx', 'BFF /healthz (edge only, no proxy)', n1);
    line('BFF_WORKERS=2 / nginx 2 workers', 'BFF session row, BFF_WORKERS=2', 'nginx (2 workers)');
    line('2 BFF instances behind nginx / nginx 2 workers', 'nginx round-robin → 2 BFF instances, session row', 'nginx (2 workers)');
    line('nginx / direct', n1, 'direct');
  } finally {
    for (const stop of stops) await stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
