import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '..', '..', '..');
export const PROCESS_NAMES = ['dev-sso', 'inetaplca', 'intelnet', 'ppon', 'contract-view', 'legacy-app', 'bff-pc', 'bff-mobile'] as const;

export interface RunningSystem {
  child: ChildProcess;
  base: number;
  urls: { sso: string; ppon: string; legacy: string; pc: string; mobile: string; view: string };
  output(): string;
  /** The pid of a supervised process, as the supervisor last announced it. */
  pidOf(name: string): number;
  /** Waits until the supervisor's output matches. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  kill(): void;
}

const free = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '0.0.0.0', () => srv.close(() => resolve(true)));
  });

/** Eight consecutive free ports away from `npm start`'s defaults. */
async function freeBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const all = await Promise.all(Array.from({ length: 8 }, (_, i) => free(base + i)));
    if (all.every(Boolean)) return base;
  }
  throw new Error('no 8 consecutive free ports');
}

/**
 * `npm start` (scripts/start-all.ts) on ports of its own (START_BASE_PORT), with its own SQLite
 * files, Redis prefixes and stream names, so it runs beside a developer's `npm start` and other
 * tests. Resolves once the system says it is up. `ownPrefixes: false` leaves them to `npm start`
 * (what a developer who moves the ports gets).
 */
export async function startSystem(extraEnv: Record<string, string> = {}, options: { beforeStart?: (base: number) => Promise<void>; waitUntilUp?: boolean; ownPrefixes?: boolean } = {}): Promise<RunningSystem> {
  const base = await freeBase();
  await options.beforeStart?.(base);
  const run = `drill${Date.now().toString(36)}${process.pid}`;
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-'));
  const perService = Object.fromEntries(
    ['PPON', 'INETAPLCA', 'INTELNET', 'CONTRACT_VIEW'].flatMap((s) => [
      [`${s}_SQLITE_FILE`, path.join(data, `${s.toLowerCase()}.sqlite`)],
      [`${s}_CACHE_KEY_PREFIX`, `${run}:`],
      [`${s}_EVENT_TOPIC_PREFIX`, `${run}.sa-app-samp-ppon-cont-`],
    ]),
  );
  const own = options.ownPrefixes === false ? {} : { SESSION_PREFIX: `${run}:sess:`, FILES_DIR: path.join(data, 'files'), FILES_PREFIX: `${run}:files:`, COMPOSE_CACHE_SECONDS: '0', ...perService };
  const env = { ...process.env, LOG_LEVEL: 'warn', START_BASE_PORT: String(base), ...own, ...extraEnv };
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start-all.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const listeners = new Set<() => void>();
  const collect = (c: Buffer) => {
    output += c.toString();
    listeners.forEach((l) => l());
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const waitFor = (pattern: RegExp, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pattern.test(output)) {
          done();
          resolve();
        }
      };
      const timer = setTimeout(() => (done(), reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output.slice(-3000)}`))), timeoutMs);
      const done = () => (clearTimeout(timer), listeners.delete(check));
      listeners.add(check);
      check();
    });
  const system: RunningSystem = {
    child,
    base,
    urls: { sso: `http://localhost:${base}`, ppon: `http://localhost:${base + 1}`, legacy: `http://localhost:${base + 4}`, pc: `http://localhost:${base + 5}`, mobile: `http://localhost:${base + 6}`, view: `http://localhost:${base + 7}` },
    output: () => output,
    pidOf: (name) => {
      const all = [...output.matchAll(new RegExp(`supervisor +\\| ${name} (?:started \\(pid (\\d+)\\)|is back \\(restart #\\d+, pid (\\d+)\\))`, 'g'))];
      const last = all.at(-1);
      if (!last) throw new Error(`no pid announced for ${name}`);
      return Number(last[1] ?? last[2]);
    },
    waitFor,
    // Its own process group: a failed test must not leave the services holding the ports.
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    },
  };
  child.once('exit', () => listeners.forEach((l) => l()));
  if (options.waitUntilUp === false) return system;
  await waitFor(/The contract BFF system is up/, 90_000).catch((err) => {
    system.kill();
    throw err;
  });
  return system;
}
