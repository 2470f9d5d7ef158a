/**
 * What the BFF's legacy routing costs next to nginx. In one run, against the same upstream (the
 * legacy stand-in, its own process), autocannon measures GET /api/invoices (a small JSON answer):
 *   direct → the stand-in; nginx → the stand-in (installed from Debian if missing, config in
 *   bench/nginx/); BFF → the stand-in through /legacy/app with a session logged in via the real
 *   dev SSO (one Redis GET per request). Loopback only; every process shares this machine's cores.
 *
 *   npx tsx bench/proxy-vs-nginx.ts [--seconds 8] [--connections 50]
 */
import autocannon from 'autocannon';
import { startBffProcess, startLegacyProcess, startNginx } from './support/bench-processes';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 8);
const CONNECTIONS = arg('connections', 50);

interface Row { via: string; rps: number; p50: number; p99: number; errors: number }

async function measure(via: string, url: string, headers: Record<string, string> = {}): Promise<Row> {
  await autocannon({ url, connections: CONNECTIONS, duration: 2, headers }); // warm-up, discarded
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  const row = { via, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx };
  console.log(`  ${via}: ${row.rps.toFixed(0)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, failures ${row.errors}`);
  return row;
}

async function main(): Promise<void> {
  console.log(`proxy benchmark: ${CONNECTIONS} connections, ${SECONDS} s each (after a 2 s warm-up)`);
  const legacy = await startLegacyProcess();
  const nginx = await startNginx(legacy.url);
  const bff = await startBffProcess(legacy.url);
  try {
    const direct = await measure('direct', `${legacy.url}/api/invoices`);
    const viaNginx = await measure('nginx', `${nginx.url}/legacy/app/api/invoices`, { cookie: bff.cookie });
    const viaBff = await measure('BFF', `${bff.url}/legacy/app/api/invoices`, { cookie: bff.cookie });
    // Where the BFF's time goes: its edge alone (logger, metrics, helmet), and a public row (no session lookup).
    const edge = await measure('BFF /healthz (edge only, no proxy)', `${bff.url}/healthz`);
    const publicRow = await measure('BFF public row (no session)', `${bff.url}/legacy/notice/`);
    console.log('\n| path | requests/s | p50 ms | p99 ms | failures |\n| --- | ---: | ---: | ---: | ---: |');
    for (const r of [direct, viaNginx, viaBff, edge, publicRow]) console.log(`| ${r.via} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} |`);
    console.log(`\nBFF/nginx: ${(viaBff.rps / viaNginx.rps).toFixed(2)}× the requests/s, p99 ${(viaBff.p99 / viaNginx.p99).toFixed(1)}×`);
    console.log(`BFF/direct: ${(viaBff.rps / direct.rps).toFixed(2)}× the requests/s, p99 ${(viaBff.p99 / direct.p99).toFixed(1)}×`);
  } finally {
    await bff.stop();
    await nginx.stop();
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
