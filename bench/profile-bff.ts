/**
 * Where a BFF request's CPU goes. Starts the legacy stand-in and bff-pc (LOG_LEVEL=warn, a session
 * logged in through the dev SSO) as in proxy-vs-nginx.ts, loads one path with autocannon (2 s
 * warm-up, then the measured run with V8's sampling profiler on), and prints the BFF's CPU time
 * per request and its profile: self time by package (node internals charged to their caller) and
 * the top functions. The .cpuprofile is kept for Chrome DevTools.
 *
 *   npx tsx bench/profile-bff.ts [session|public|healthz] [--seconds 6] [--connections 50] [--no-profile] [--tsx]
 * (the BFF runs from the compiled build unless --tsx; see bench-processes.ts)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startBffProcess, startLegacyProcess } from './support/bench-processes';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const target = (['session', 'public', 'healthz'] as const).find((t) => process.argv.includes(t)) ?? 'session';
const PATHS = { session: '/legacy/app/api/invoices', public: '/legacy/notice/', healthz: '/healthz' };

/** utime + stime of a process, in ms (Linux, clock ticks of 10 ms). */
const cpuMsOf = (pid: number) => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }

function summarise(file: string): void {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const short = (url: string) => url.replace(/.*node_modules\//, '').replace(`file://${path.join(__dirname, '..')}/`, '').replace(`${path.join(__dirname, '..')}/`, '');
  const owner = (url: string) => (!url || url.startsWith('node:') ? undefined : /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? short(url));
  const byOwner = new Map<string, number>();
  const bySelf = new Map<string, number>();
  let busy = 0;
  for (const id of profile.samples) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    busy++;
    const self = `${frame.functionName || '(anonymous)'} ${short(frame.url)}:${frame.lineNumber + 1}`;
    bySelf.set(self, (bySelf.get(self) ?? 0) + 1);
    let who = ['(garbage collector)', '(program)'].includes(frame.functionName) ? frame.functionName : undefined;
    for (let at: number | undefined = id; !who && at !== undefined; at = parent.get(at)) who = owner(byId.get(at)!.callFrame.url);
    who ??= 'node internals';
    byOwner.set(who, (byOwner.get(who) ?? 0) + 1);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, c]) => `  ${((100 * c) / busy).toFixed(1).padStart(5)}%  ${k}`).join('\n');
  console.log(`\nself time by package (% of busy samples; node internals charged to their caller):\n${top(byOwner, 20)}`);
  console.log(`\ntop functions by self time:\n${top(bySelf, 20)}\n\nprofile: ${file}`);
}

async function main(): Promise<void> {
  const seconds = arg('seconds', 6);
  const connections = arg('connections', 50);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bff-profile-'));
  const legacy = await startLegacyProcess();
  // --no-profile: the same load and CPU per request without the profiler (for A/B runs of two checkouts).
  const profiling = !process.argv.includes('--no-profile');
  const bff = await startBffProcess(legacy.url, profiling ? { NODE_OPTIONS: `--import ${path.join(__dirname, 'support', 'cpu-profile-preload.mjs')}`, CPU_PROFILE_DIR: dir } : {});
  const url = bff.url.replace('localhost', '127.0.0.1') + PATHS[target];
  try {
    await autocannon({ url, connections, duration: 2, headers: { cookie: bff.cookie } });
    if (profiling) process.kill(bff.pid, 'SIGUSR2');
    const cpuBefore = cpuMsOf(bff.pid);
    const r = await autocannon({ url, connections, duration: seconds, headers: { cookie: bff.cookie } });
    const perRequest = ((cpuMsOf(bff.pid) - cpuBefore) * 1000) / (r.requests.average * seconds);
    console.log(`${target} ${PATHS[target]}: ${r.requests.average.toFixed(0)} req/s, p99 ${r.latency.p99} ms, failures ${r.errors + r.timeouts + r.non2xx}; BFF CPU ${perRequest.toFixed(0)} µs per request (profiler ${profiling ? 'on' : 'off'})`);
  } finally {
    await bff.stop(); // the profile is written as the BFF exits
    await legacy.stop();
  }
  if (!profiling) return;
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written in ${dir}`);
  summarise(path.join(dir, file));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
