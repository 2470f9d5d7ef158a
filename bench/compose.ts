/**
 * Composition with injected latency: the BFF's composition (MS1, then MS2 and MS3 in parallel)
 * next to the source's sequential way (MS1 → MS2 → MS3), against the same three upstreams that
 * each answer after 20 ms, in one run. The floor is the same calls made with nothing but
 * node:http and a keep-alive agent (no timeouts, breakers, headers or checks): the BFF's own
 * overhead per composed view is its p50 minus the floor's. Loopback only, bounded.
 *   npx tsx bench/compose.ts [--n 200] [--latency 20]
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createUpstream } from '../core/compose/create-upstream';
import { composeContract } from '../core/compose/compose-contract';
import type { ContractUpstreams } from '../core/compose/contract-upstreams';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('n', 200);
const LATENCY = arg('latency', 20);

function fakeService(row: (no: number) => object): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const no = Number(req.url!.split('/').pop());
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(row(no))), LATENCY);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
const urlOf = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function measure(label: string, once: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 10; i++) await once(i); // warm-up: connections, JIT
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await once(i);
    times.push(performance.now() - t);
  }
  const total = performance.now() - started;
  times.sort((a, b) => a - b);
  return { label, p50: pct(times, 50), p99: pct(times, 99), perSecond: (N / total) * 1000 };
}

const floorAgent = new http.Agent({ keepAlive: true });
/** GET and JSON.parse, nothing else: the floor. */
function bareGet(url: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: floorAgent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(JSON.parse(text) as Record<string, number>));
    }).once('error', reject);
  });
}

async function main() {
  const servers = await Promise.all([
    fakeService((no) => ({ saPponContNo: no, saInetaplcaContNo: no, saIntelnetContNo: no, contr: 'bench', transacSttus: 'END', delYn: 'N' })),
    fakeService((no) => ({ saInetaplcaContNo: no, saPponContNo: no, transacSttus: 'END' })),
    fakeService((no) => ({ saIntelnetContNo: no, saPponContNo: no, transacSttus: 'END' })),
  ]);
  const options = { timeoutMs: 5000, breakerThreshold: 1000, breakerHalfOpenMs: 1000 };
  const upstreams: ContractUpstreams = {
    ppon: createUpstream('ppon', urlOf(servers[0]), options),
    inetaplca: createUpstream('inetaplca', urlOf(servers[1]), options),
    intelnet: createUpstream('intelnet', urlOf(servers[2]), options),
    view: createUpstream('contract-view', urlOf(servers[0]), options),
  };
  const ctx = { globalNo: 'bench-compose' };
  const sequential = await measure('sequential (source: MS1 → MS2 → MS3)', async (i) => {
    const ppon = await upstreams.ppon.getJson<{ saInetaplcaContNo: number; saIntelnetContNo: number }>(`/cont/${i + 1}`, ctx);
    await upstreams.inetaplca.getJson(`/cont/${ppon.saInetaplcaContNo}`, ctx);
    await upstreams.intelnet.getJson(`/cont/${ppon.saIntelnetContNo}`, ctx);
  });
  const floor = await measure('floor (bare node:http: MS1, then MS2 ∥ MS3)', async (i) => {
    const ppon = await bareGet(`${urlOf(servers[0])}/cont/${i + 1}`);
    await Promise.all([bareGet(`${urlOf(servers[1])}/cont/${ppon.saInetaplcaContNo}`), bareGet(`${urlOf(servers[2])}/cont/${ppon.saIntelnetContNo}`)]);
  });
  const parallel = await measure('BFF (MS1, then MS2 ∥ MS3)', (i) => composeContract(upstreams, i + 1, ctx, 5000));
  const f = (n: number) => n.toFixed(1);
  console.log(`\ncomposition of 3 services on Node ${process.version}, each answering after ${LATENCY} ms; n=${N} sequential requests\n`);
  console.log('| strategy | p50 ms | p99 ms | per second | p50 vs sequential |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of [sequential, floor, parallel]) console.log(`| ${r.label} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.perSecond)} | ${(r.p50 / sequential.p50).toFixed(2)}× |`);
  console.log(`\nBFF overhead per composed view: p50 ${f(parallel.p50 - floor.p50)} ms over the floor (required ≤ 2 ms)`);
  floorAgent.destroy();
  servers.forEach((s) => s.close());
}

void main();
