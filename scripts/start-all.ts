/**
 * `npm start`: the whole system on one machine with embedded defaults — the dev SSO, the three
 * contract services, the legacy-app stand-in and both BFF apps — each as its own process with
 * its output prefixed. Prints the URLs and the demo login once everything is ready; Ctrl-C stops
 * them all. Redis is used when it answers; otherwise everything runs on its in-process fallback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

interface Proc {
  name: string;
  args: string[];
  ready: RegExp;
  url: string;
  env?: Record<string, string>;
}

const root = path.resolve(__dirname, '..');
const tsx = ['--import', 'tsx'];
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** One switch for the saga broker of all three services (`<SERVICE>_EVENT_BUS` still wins). */
const EVENT_BUS = process.env.EVENT_BUS;
const SERVICES = ['PPON', 'INETAPLCA', 'INTELNET'];
const busOf = (withRedis: boolean) => EVENT_BUS ?? (withRedis ? 'redis' : 'memory');
const BUS_TEXT: Record<string, string> = { kafka: 'Kafka at localhost:9092 (npm run infra:kafka)', redis: `Redis Streams at ${REDIS_URL}`, memory: 'in process memory (dev only)' };

/** True when Redis answers PING within a second (no client library needed for that). */
function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    const done = (ok: boolean) => (socket.destroy(), resolve(ok));
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/**
 * With Redis, each contract service is its own process (cache and Redis Streams saga events, as
 * deployed). Without it, the three share one process so the in-process event bus connects them.
 */
function contractServices(withRedis: boolean): Proc[] {
  if (!withRedis && busOf(withRedis) === 'memory') {
    return [{ name: 'contracts', args: [...tsx, 'services/main-all.ts'], ready: /ppon ready/, url: 'http://localhost:8081 (ppon), :8082 (inetaplca), :8083 (intelnet)' }];
  }
  const env: Record<string, string> = Object.fromEntries(withRedis ? SERVICES.map((s) => [`${s}_REDIS_URL`, REDIS_URL]) : []);
  for (const s of SERVICES) if (EVENT_BUS && !process.env[`${s}_EVENT_BUS`]) env[`${s}_EVENT_BUS`] = EVENT_BUS;
  return [
    { name: 'inetaplca', args: [...tsx, 'services/inetaplca/main.ts'], ready: /inetaplca ready/, url: 'http://localhost:8082', env },
    { name: 'intelnet', args: [...tsx, 'services/intelnet/main.ts'], ready: /intelnet ready/, url: 'http://localhost:8083', env },
    { name: 'ppon', args: [...tsx, 'services/ppon/main.ts'], ready: /ppon ready/, url: 'http://localhost:8081', env },
  ];
}

function processes(withRedis: boolean): Proc[] {
  return [
    { name: 'dev-sso', args: ['sandbox/dev-sso/server.mjs'], ready: /dev-sso ready/, url: 'http://localhost:9000' },
    ...contractServices(withRedis),
    { name: 'legacy-app', args: [...tsx, 'sandbox/legacy-app/main.ts'], ready: /ready/, url: 'http://localhost:8090' },
    { name: 'bff-pc', args: [...tsx, 'bff-pc/main.ts'], ready: /bff-pc ready/, url: 'http://localhost:3000' },
    { name: 'bff-mobile', args: [...tsx, 'bff-mobile/main.ts'], ready: /bff-mobile ready/, url: 'http://localhost:3001' },
  ];
}

const children: ChildProcess[] = [];
let stopping = false;
let width = 10;

function start(p: Proc): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, p.args, {
      cwd: root,
      env: { NODE_ENV: 'development', ...process.env, ...p.env, PORT: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let ready = false;
    const prefix = `${p.name.padEnd(width)} | `;
    const relay = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
      const text = chunk.toString();
      if (!ready && p.ready.test(text)) {
        ready = true;
        resolve();
      }
      stream.write(text.split('\n').filter(Boolean).map((l) => prefix + l).join('\n') + '\n');
    };
    child.stdout!.on('data', relay(process.stdout));
    child.stderr!.on('data', relay(process.stderr));
    child.once('exit', (code) => {
      if (!ready) reject(new Error(`${p.name} exited with ${code} before it was ready`));
      else if (!stopping) {
        console.error(`${p.name} stopped unexpectedly (exit ${code}); stopping everything`);
        void stopAll(1);
      }
    });
  });
}

async function stopAll(code: number): Promise<never> {
  stopping = true;
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
          setTimeout(() => c.kill('SIGKILL'), 5_000).unref();
        }),
    ),
  );
  process.exit(code);
}

async function main() {
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
  const withRedis = await redisAnswers(REDIS_URL);
  const procs = processes(withRedis).filter((p) => fs.existsSync(path.join(root, p.args[p.args.length - 1])));
  width = Math.max(...procs.map((p) => p.name.length));
  try {
    // The SSO and the services first (the BFFs call them), then the BFFs.
    const [first, rest] = [procs.filter((p) => !p.name.startsWith('bff-')), procs.filter((p) => p.name.startsWith('bff-'))];
    await Promise.all(first.map(start));
    await Promise.all(rest.map(start));
  } catch (err) {
    console.error(`npm start failed: ${(err as Error).message}`);
    await stopAll(1);
  }
  const lines = [
    '',
    'The contract BFF system is up:',
    ...procs.map((p) => `  ${p.name.padEnd(width)}  ${p.url}`),
    '',
    '  Log in:  http://localhost:3000/bff/login   (PC)     then http://localhost:3000/bff/user',
    '           http://localhost:3001/bff/login   (mobile)',
    '  Demo users: demo / demo1234, kim / kim1234 (agent) · lee / lee1234 (viewer) · park / park1234 (supervisor) · ops / ops1234 (operator)',
    '',
    withRedis ? `  Redis at ${REDIS_URL}: sessions and contract caches use it.` : '  No Redis: sessions stay in process memory (dev only).',
    `  Saga events (broker mode): ${BUS_TEXT[busOf(withRedis)] ?? busOf(withRedis)}.`,
    '  Ctrl-C stops everything.',
    '',
  ];
  console.log(lines.join('\n'));
}

void main();
