/**
 * The two proxy engines on one BFF, interleaved (A B A B …) so the machine's other work falls on
 * both alike: the session row through undici (`/legacy/app`) and through http-proxy-middleware
 * (`/legacy/app-http-proxy`), same upstream, same session. Prints req/s and the BFF's CPU per
 * request of each pass and their medians.
 *
 *   npx tsx bench/engines-ab.ts [--pairs 4] [--seconds 5] [--connections 50] [--tsx]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { median, numberArg } from './support/bench-args';
import { cpuMsOf, startBffProcess, startLegacyProcess } from './support/bench-processes';

const PAIRS = numberArg('pairs', 4);
const SECONDS = numberArg('seconds', 5);
const CONNECTIONS = numberArg('connections', 50);
async function main(): Promise<void> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-routes-')), 'routes.json');
  const target = '${LEGACY_APP_URL}';
  fs.writeFileSync(file, JSON.stringify({ routes: [
    { path: '/legacy/app', target, timeoutMs: 15000, auth: 'session' },
    { path: '/legacy/app-http-proxy', target, timeoutMs: 15000, auth: 'session', engine: 'http-proxy' },
  ] }));
  const legacy = await startLegacyProcess();
  const bff = await startBffProcess(legacy.url, { LEGACY_ROUTES_FILE: file });
  const engines = { undici: '/legacy/app/api/invoices', 'http-proxy': '/legacy/app-http-proxy/api/invoices' };
  const results: Record<string, { rps: number[]; cpu: number[] }> = { undici: { rps: [], cpu: [] }, 'http-proxy': { rps: [], cpu: [] } };
  console.log(`engines A/B on Node ${process.version}, ${PAIRS} pairs of ${SECONDS} s, ${CONNECTIONS} connections, load average ${os.loadavg()[0].toFixed(1)}`);
  try {
    for (const [, url] of Object.entries(engines)) await autocannon({ url: bff.url + url, connections: CONNECTIONS, duration: 2, headers: { cookie: bff.cookie } });
    for (let i = 0; i < PAIRS; i++) {
      for (const [engine, url] of Object.entries(engines)) {
        const before = cpuMsOf(bff.pid);
        const r = await autocannon({ url: bff.url + url, connections: CONNECTIONS, duration: SECONDS, headers: { cookie: bff.cookie } });
        const cpu = ((cpuMsOf(bff.pid) - before) * 1000) / r.requests.total;
        results[engine].rps.push(r.requests.average);
        results[engine].cpu.push(cpu);
        console.log(`  ${engine}: ${r.requests.average.toFixed(0)} req/s, p99 ${r.latency.p99} ms, ${cpu.toFixed(0)} µs CPU/request, failures ${r.errors + r.non2xx}`);
      }
    }
    console.log('\n| engine | median req/s | median BFF CPU µs/request |\n| --- | ---: | ---: |');
    for (const [engine, r] of Object.entries(results)) console.log(`| ${engine} | ${median(r.rps).toFixed(0)} | ${median(r.cpu).toFixed(0)} |`);
  } finally {
    await bff.stop();
    await legacy.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
