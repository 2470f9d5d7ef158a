/**
 * Start-up time and memory: the compiled build (`node dist/…`) against the sources run through tsx,
 * for a BFF app and a contract service, measured in the same run on this machine. Builds first.
 *   npm run bench:startup [-- --runs 5]
 * Start-up = spawn → the ready line; RSS read from /proc one second after ready, idle.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../test/support/free-port';
import { spawnReady } from '../test/support/spawn-ready';

const ROOT = path.join(__dirname, '..');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;

interface Target {
  name: string;
  ready: RegExp;
  source: string;
  compiled: string;
  env: (port: number, dir: string) => Record<string, string>;
}

const TARGETS: Target[] = [
  { name: 'bff-pc', ready: /bff-pc ready/, source: 'bff-pc/main.ts', compiled: 'dist/bff-pc/main.js', env: (port) => ({ PORT: String(port), LOG_LEVEL: 'warn', REDIS_URL: 'redis://127.0.0.1:6379' }) },
  { name: 'ppon (MS1)', ready: /ppon ready/, source: 'services/ppon/main.ts', compiled: 'dist/services/ppon/main.js', env: (port, dir) => ({ PPON_PORT: String(port), PPON_LOG_LEVEL: 'warn', PPON_SQLITE_FILE: path.join(dir, 'ppon.sqlite') }) },
];

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(target: Target, args: string[]): Promise<{ ms: number; rss: number }> {
  const samples: { ms: number; rss: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'startup-'));
    const started = performance.now();
    const child = await spawnReady(process.execPath, args, target.env(await freePort(), dir), target.ready, 60_000);
    const ms = performance.now() - started;
    await new Promise((r) => setTimeout(r, 1_000));
    samples.push({ ms, rss: rssMiB(child.child.pid!) });
    await child.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { ms: median(samples.map((s) => s.ms)), rss: median(samples.map((s) => s.rss)) };
}

async function main() {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  console.log(`Node ${process.version}, ${os.availableParallelism()} cores, median of ${runs} starts\n`);
  console.log('| process | tsx start ms | dist start ms | dist/tsx | tsx RSS MiB | dist RSS MiB | dist/tsx |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const target of TARGETS) {
    const tsx = await measure(target, ['--import', 'tsx', path.join(ROOT, target.source)]);
    const dist = await measure(target, [path.join(ROOT, target.compiled)]);
    console.log(`| ${target.name} | ${tsx.ms.toFixed(0)} | ${dist.ms.toFixed(0)} | ${(dist.ms / tsx.ms).toFixed(2)}× | ${tsx.rss.toFixed(0)} | ${dist.rss.toFixed(0)} | ${(dist.rss / tsx.rss).toFixed(2)}× |`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
