import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { freePort } from '../../test/support/free-port';
import { spawnReady, type Spawned } from '../../test/support/spawn-ready';
import { startDevSso, type DevSso } from '../../test/support/dev-sso';
import { DEMO, loginVia } from '../../test/support/login';
import { sessionCookieOf } from '../../test/support/system';

const ROOT = path.join(__dirname, '..', '..');

/**
 * The measured processes run as in production: the compiled build (`node dist/…`, built once per
 * bench run with `tsc -p tsconfig.build.json`). `--tsx` on a bench's command line runs the sources
 * through tsx instead (`node --import tsx`; its keepNames wraps every named function made at run time).
 */
const FROM_SOURCES = process.argv.includes('--tsx');
let built = false;
/** The command line of a measured process: its compiled entry point (or the source, with `--tsx`). */
export function entry(source: string): string[] {
  if (FROM_SOURCES) return ['--import', 'tsx', path.join(ROOT, source)];
  if (!built) {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
    built = true;
  }
  return [path.join(ROOT, 'dist', source.replace(/\.ts$/, '.js'))];
}

/** A child whose readiness is checked over HTTP (it may print nothing); its output is kept for errors. */
function spawnQuiet(command: string, args: string[], env: Record<string, string>): Spawned {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return {
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
      }),
  };
}

export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The legacy stand-in as its own process. */
export async function startLegacyProcess(): Promise<Spawned & { url: string }> {
  const port = await freePort();
  // `node --import tsx`, not the tsx CLI: the CLI forks, and measured processes must be our own children.
  const spawned = await spawnReady(process.execPath, entry('sandbox/legacy-app/main.ts'), { LEGACY_PORT: String(port), LEGACY_HOST: '127.0.0.1' }, /legacy-app ready/, 30_000);
  return { ...spawned, url: `http://127.0.0.1:${port}` };
}

export interface BenchBff {
  url: string;
  pid: number;
  cookie: string;
  filesDir: string;
  stop: () => Promise<void>;
}

/**
 * The dev SSO and bff-pc as separate processes (production-like: no test harness in the BFF's
 * event loop), and a session logged in through the real SSO. Request logging is off (LOG_LEVEL=warn),
 * as nginx's access_log is. `BFF_WORKERS` in `extraEnv` runs it clustered; `cookie` reuses another
 * instance's session (same SESSION_PREFIX) instead of logging in.
 */
export async function startBffProcess(legacyUrl: string, extraEnv: Record<string, string> = {}, given?: string): Promise<BenchBff & { sso: DevSso }> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const sso = await startDevSso([{ app: 'pc', url }]);
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-files-'));
  const run = Date.now().toString(36);
  const bff = spawnQuiet(process.execPath, entry('bff-pc/main.ts'), {
    NODE_ENV: 'development',
    PORT: String(port), PUBLIC_URL: url, SSO_ISSUER: sso.issuer, LEGACY_APP_URL: legacyUrl, LOG_LEVEL: 'warn',
    SESSION_PREFIX: `bench:${run}:sess:`, FILES_DIR: filesDir, FILES_PREFIX: `bench:${run}:files:`, ...extraEnv,
  });
  await waitForHttp(`${url}/healthz`).catch((err: Error) => {
    throw new Error(`${err.message}\n${bff.output()}`);
  });
  // Clustered: the first worker answers before the others listen; wait for the primary's ready line.
  for (const end = Date.now() + 60_000; extraEnv.BFF_WORKERS && !/ready on .*workers\)/.test(bff.output());) {
    if (Date.now() > end) throw new Error(`workers not ready:\n${bff.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const cookie = given ?? sessionCookieOf((await loginVia(url, request.agent(sso.issuer), sso.issuer, DEMO)).callback, 'bff.pc.sid')!.split(';')[0];
  return {
    url, pid: bff.child.pid!, cookie, filesDir, sso,
    stop: async () => {
      await bff.stop();
      await sso.stop();
      fs.rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

/**
 * nginx from Debian's packages, installed on first use, in the foreground with a config from
 * bench/nginx/: `nginx.conf.template` (the reverse proxy beside the BFF, `workers` worker
 * processes) or, with `balance`, `nginx-lb.conf.template` (round-robin over those BFF URLs).
 */
export async function startNginx(upstreamUrl: string, options: { workers?: number; balance?: string[] } = {}): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const nginx = ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((p) => fs.existsSync(p));
  if (!nginx) {
    console.log('nginx not found: apt-get install -y nginx …');
    execFileSync('apt-get', ['install', '-y', 'nginx'], { stdio: 'inherit' });
  }
  const port = await freePort();
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-nginx-'));
  fs.chmodSync(prefix, 0o777); // nginx workers run as an unprivileged user when started by root
  const template = options.balance ? 'nginx-lb.conf.template' : 'nginx.conf.template';
  const servers = (options.balance ?? [upstreamUrl]).map((u) => `server 127.0.0.1:${new URL(u).port};`).join('\n    ');
  const conf = fs
    .readFileSync(path.join(ROOT, 'bench', 'nginx', template), 'utf8')
    .replaceAll('__PREFIX__', prefix)
    .replaceAll('__PORT__', String(port))
    .replaceAll('__WORKERS__', String(options.workers ?? 1))
    .replaceAll('__SERVERS__', servers)
    .replaceAll('__UPSTREAM_PORT__', new URL(upstreamUrl).port);
  fs.writeFileSync(path.join(prefix, 'nginx.conf'), conf);
  const child = spawnQuiet(nginx ?? '/usr/sbin/nginx', ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-e', path.join(prefix, 'error.log')], {});
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(options.balance ? `${url}/healthz` : `${url}/legacy/app/api/invoices`, 10_000).catch((err: Error) => {
    throw new Error(`nginx did not start (${err.message}): ${child.output()}`);
  });
  return {
    url,
    pid: child.child.pid!,
    stop: async () => {
      await child.stop();
      fs.rmSync(prefix, { recursive: true, force: true });
    },
  };
}

/** The process and its descendants (cluster workers, nginx workers), Linux. */
function processTree(pid: number): number[] {
  const children = (p: number): number[] => {
    try {
      return fs.readdirSync(`/proc/${p}/task`).flatMap((t) => fs.readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      return [];
    }
  };
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]));
  return all;
}

/** CPU time (user + system) used so far by processes and their descendants, in ms (clock ticks of 10 ms). */
export function cpuMsOf(...pids: number[]): number {
  let ms = 0;
  for (const pid of pids.flatMap(processTree)) {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ms += (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      // exited meanwhile
    }
  }
  return ms;
}

/** Resident set size of a process now, in bytes (Linux). */
export function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}
