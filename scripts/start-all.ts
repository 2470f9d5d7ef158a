/**
 * `npm start`: the whole system on one machine with embedded defaults — the dev SSO, the three
 * contract services, the legacy-app stand-in and both BFF apps — each as its own process with
 * its output prefixed. Prints the URLs and the demo login once everything is ready.
 *
 * It supervises them: a process that dies is restarted with backoff (logged and counted) while the
 * others keep serving; Ctrl-C stops everything. Redis is used when it answers; otherwise everything
 * runs on its in-process fallback.
 *
 * `START_BASE_PORT=<n>` moves every port (SSO n, ppon n+1, inetaplca n+2, intelnet n+3, legacy
 * n+4, bff-pc n+5, bff-mobile n+6, contract-view n+7), so a second system (a test's) can run beside a developer's.
 * Such a system also gets a namespace of its own, `sys<n>` (`namespaceEnv`): its data under
 * `data/sys<n>/`, and its own Redis keys, streams (or Kafka topics) and notice channel, so two
 * systems on one Redis never take each other's saga steps, sessions or cached rows.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { prettyFactory } from 'pino-pretty';
import { DEFAULT_NOTICE_CHANNEL } from '../lib/notices/change-notice';

interface Proc {
  name: string;
  args: string[];
  ready: RegExp;
  url: string;
  env?: Record<string, string>;
}

/** A supervised process: the current child, how often it was restarted, and its backoff state. */
interface Supervised {
  proc: Proc;
  child?: ChildProcess;
  restarts: number;
  /** Crashes in a row without a stable run in between: sets the backoff. */
  streak: number;
  startedAt: number;
  timer?: NodeJS.Timeout;
  /** Resolves when any incarnation first prints its ready line. */
  ready: Promise<void>;
  markReady: () => void;
  /** The child's last output lines: why it exited, said when it is restarted. */
  lastLines: string[];
}

const root = path.resolve(__dirname, '..');
const tsx = ['--import', 'tsx'];
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** One switch for the saga broker of all three services (`<SERVICE>_EVENT_BUS` still wins). */
const EVENT_BUS = process.env.EVENT_BUS;
/** The services' settings prefixes; the contract view reads the same bus, Redis and SSO. */
const SERVICES = ['PPON', 'INETAPLCA', 'INTELNET', 'CONTRACT_VIEW'];
const busOf = (withRedis: boolean) => EVENT_BUS ?? (withRedis ? 'redis' : 'memory');
const BUS_TEXT: Record<string, string> = { kafka: 'Kafka at localhost:9092 (npm run infra:kafka)', redis: `Redis Streams at ${REDIS_URL}`, memory: 'in process memory (dev only)' };
/**
 * An OIDC provider of one's own (Keycloak: `SSO_ISSUER=http://127.0.0.1:8180/realms/contract-bff`)
 * for the whole system: the dev SSO is not started, and the services trust that issuer too
 * (`<SERVICE>_SSO_ISSUER` still wins). The apps keep their client ids, dev secrets and redirect URIs
 * (`SSO_CLIENT_ID`, `SSO_CLIENT_SECRET`, `SSO_REDIRECT_URL` change them), which the realm registers.
 */
const SSO_ISSUER = process.env.SSO_ISSUER;
const BASE = process.env.START_BASE_PORT ? Number(process.env.START_BASE_PORT) : undefined;
/**
 * The processes' own log lines (pino JSON): pretty, coloured one-liners on a terminal, JSON as they
 * are otherwise (a pipe, a file, a log shipper). `LOG_FORMAT=pretty|json` decides instead.
 */
const PRETTY = process.env.LOG_FORMAT ? process.env.LOG_FORMAT === 'pretty' : Boolean(process.stdout.isTTY);
/** First restart after 0.5 s, doubling to at most 10 s; a run of 30 s counts as stable and resets it. */
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 10_000;
const STABLE_MS = 30_000;

const ports = BASE
  ? { sso: BASE, ppon: BASE + 1, inetaplca: BASE + 2, intelnet: BASE + 3, legacy: BASE + 4, pc: BASE + 5, mobile: BASE + 6, view: BASE + 7 }
  : { sso: 9000, ppon: 8081, inetaplca: 8082, intelnet: 8083, legacy: 8090, pc: 3000, mobile: 3001, view: 8084 };
const local = (port: number) => `http://localhost:${port}`;

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

/** Every process's ports and peers, only when moved: the defaults need none of it. */
function portEnv(): Record<string, string> {
  if (!BASE) return {};
  const clients = fs
    .readFileSync(path.join(root, 'config', 'dev-sso', 'clients.json'), 'utf8')
    .replaceAll('localhost:3000', `localhost:${ports.pc}`)
    .replaceAll('localhost:3001', `localhost:${ports.mobile}`);
  return {
    SSO_PORT: String(ports.sso),
    SSO_ISSUER: local(ports.sso),
    // The services verify every caller's token against the same SSO.
    PPON_SSO_ISSUER: local(ports.sso),
    INETAPLCA_SSO_ISSUER: local(ports.sso),
    INTELNET_SSO_ISSUER: local(ports.sso),
    CONTRACT_VIEW_SSO_ISSUER: local(ports.sso),
    SSO_CLIENTS: JSON.stringify(JSON.parse(clients)),
    PPON_PORT: String(ports.ppon),
    INETAPLCA_PORT: String(ports.inetaplca),
    INTELNET_PORT: String(ports.intelnet),
    PPON_INETAPLCA_URL: local(ports.inetaplca),
    PPON_INTELNET_URL: local(ports.intelnet),
    LEGACY_PORT: String(ports.legacy),
    PPON_URL: local(ports.ppon),
    INETAPLCA_URL: local(ports.inetaplca),
    INTELNET_URL: local(ports.intelnet),
    CONTRACT_VIEW_PORT: String(ports.view),
    CONTRACT_VIEW_URL: local(ports.view),
    CONTRACT_VIEW_PPON_URL: local(ports.ppon),
    CONTRACT_VIEW_INETAPLCA_URL: local(ports.inetaplca),
    CONTRACT_VIEW_INTELNET_URL: local(ports.intelnet),
    LEGACY_APP_URL: local(ports.legacy),
  };
}

/** The namespace of a system whose ports were moved: none for the default system (its data in `data/`, the default prefixes). */
const NAMESPACE = BASE ? `sys${BASE}` : undefined;
/** Only what the caller has not set: an explicit setting (a test's own prefixes) always wins. */
const unlessSet = (entries: Record<string, string>) => Object.fromEntries(Object.entries(entries).filter(([k]) => process.env[k] === undefined));

/**
 * What keeps a moved system apart from any other on the same Redis, bus and checkout: its SQLite
 * files and uploads, the services' cache keys, stream or topic names and notice channel, and the
 * BFFs' shared Redis keys (the apps' own prefixes are in `appNamespaceEnv`).
 */
function namespaceEnv(): Record<string, string> {
  if (!NAMESPACE) return {};
  const data = path.join(root, 'data', NAMESPACE);
  const channel = `${NAMESPACE}.${DEFAULT_NOTICE_CHANNEL}`;
  return unlessSet({
    ...Object.fromEntries(
      SERVICES.flatMap((s) => [
        [`${s}_SQLITE_FILE`, path.join(data, `${s.toLowerCase().replace('_', '-')}.sqlite`)],
        [`${s}_CACHE_KEY_PREFIX`, `${NAMESPACE}:`],
        [`${s}_EVENT_TOPIC_PREFIX`, `${NAMESPACE}.sa-app-samp-ppon-cont-`],
        [`${s}_NOTICE_CHANNEL`, channel],
      ]),
    ),
    CHANGE_NOTICE_CHANNEL: channel,
    FILES_DIR: path.join(data, 'files'),
    FILES_PREFIX: `${NAMESPACE}:bff:files:`,
    SESSION_INDEX_PREFIX: `${NAMESPACE}:bff:sso:`,
    IDEMPOTENCY_PREFIX: `${NAMESPACE}:bff:idem:`,
  });
}

/**
 * A BFF app's own in a moved system: its Redis prefixes (sessions, and with them the rate-limit
 * counters; composed views) and its cookie's name (a browser keeps cookies per host, not per port:
 * with one name, signing in to one system on localhost would sign the browser out of the other).
 */
const appNamespaceEnv = (app: 'pc' | 'mobile'): Record<string, string> =>
  NAMESPACE ? unlessSet({ SESSION_PREFIX: `${NAMESPACE}:bff:${app}:sess:`, COMPOSE_CACHE_PREFIX: `${NAMESPACE}:bff:view:${app}:`, SESSION_COOKIE_NAME: `bff.${app}.sid.${NAMESPACE}` }) : {};

/**
 * With Redis, each contract service is its own process (cache and Redis Streams saga events, as
 * deployed). Without it, the three share one process so the in-process event bus connects them.
 */
function contractServices(withRedis: boolean): Proc[] {
  if (!withRedis && busOf(withRedis) === 'memory') {
    return [{ name: 'contracts', args: [...tsx, 'services/main-all.ts'], ready: /contract-view ready/, url: `${local(ports.ppon)} (ppon), :${ports.inetaplca} (inetaplca), :${ports.intelnet} (intelnet), :${ports.view} (contract-view)` }];
  }
  const env: Record<string, string> = Object.fromEntries(withRedis ? SERVICES.map((s) => [`${s}_REDIS_URL`, REDIS_URL]) : []);
  for (const s of SERVICES) if (EVENT_BUS && !process.env[`${s}_EVENT_BUS`]) env[`${s}_EVENT_BUS`] = EVENT_BUS;
  return [
    { name: 'inetaplca', args: [...tsx, 'services/inetaplca/main.ts'], ready: /inetaplca ready/, url: local(ports.inetaplca), env },
    { name: 'intelnet', args: [...tsx, 'services/intelnet/main.ts'], ready: /intelnet ready/, url: local(ports.intelnet), env },
    { name: 'ppon', args: [...tsx, 'services/ppon/main.ts'], ready: /ppon ready/, url: local(ports.ppon), env },
    { name: 'contract-view', args: [...tsx, 'services/contract-view/main.ts'], ready: /contract-view ready/, url: local(ports.view), env },
  ];
}

/** The external provider's issuer for the BFFs and every service, when one is given. */
function ssoEnv(): Record<string, string> {
  if (!SSO_ISSUER) return {};
  return { SSO_ISSUER, ...Object.fromEntries(SERVICES.filter((s) => !process.env[`${s}_SSO_ISSUER`]).map((s) => [`${s}_SSO_ISSUER`, SSO_ISSUER])) };
}

function processes(withRedis: boolean): Proc[] {
  return [
    ...(SSO_ISSUER ? [] : [{ name: 'dev-sso', args: ['sandbox/dev-sso/server.mjs'], ready: /dev-sso ready/, url: local(ports.sso) }]),
    ...contractServices(withRedis),
    { name: 'legacy-app', args: [...tsx, 'sandbox/legacy-app/main.ts'], ready: /ready/, url: local(ports.legacy) },
    { name: 'bff-pc', args: [...tsx, 'bff-pc/main.ts'], ready: /bff-pc ready/, url: local(ports.pc), env: { PORT: String(ports.pc), ...appNamespaceEnv('pc') } },
    { name: 'bff-mobile', args: [...tsx, 'bff-mobile/main.ts'], ready: /bff-mobile ready/, url: local(ports.mobile), env: { PORT: String(ports.mobile), ...appNamespaceEnv('mobile') } },
  ];
}

const supervised: Supervised[] = [];
let stopping = false;
let width = 10;
let shared: Record<string, string> = {};

const say = (line: string) => console.log(`${nameColumn('supervisor')}${line}`);

const COLOURS = [36, 32, 35, 34, 33, 96, 92, 95, 94];
/** `name       | `: padded to one width; on a terminal each process's name in a colour of its own. */
function nameColumn(name: string): string {
  const padded = name.padEnd(width);
  if (!PRETTY) return `${padded} | `;
  const colour = name === 'supervisor' ? 2 : COLOURS[supervised.findIndex((s) => s.proc.name === name) % COLOURS.length];
  return `\u001b[${colour}m${padded}\u001b[0m \u001b[2m|\u001b[0m `;
}

const pretty = PRETTY ? prettyFactory({ colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' }) : undefined;
/** One line of a child's output as the console shows it: a pino line pretty on a terminal, anything else as it is (red on stderr). */
function shown(line: string, fromStderr: boolean): string {
  if (!pretty) return line;
  if (line.startsWith('{"level":')) {
    try {
      return pretty(JSON.parse(line) as object).trimEnd();
    } catch {
      // not a whole JSON line: shown as it is
    }
  }
  return fromStderr ? `\u001b[31m${line}\u001b[39m` : line;
}

/** Spawns the process once; its first ready line (of any incarnation) resolves `s.ready`. */
function spawnChild(s: Supervised): void {
  const p = s.proc;
  const child = spawn(process.execPath, p.args, {
    cwd: root,
    env: { NODE_ENV: 'development', ...process.env, ...shared, PORT: undefined, ...p.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  s.child = child;
  s.startedAt = Date.now();
  s.lastLines = [];
  say(`${p.name} started (pid ${child.pid})`);
  let ready = false;
  const prefix = nameColumn(p.name);
  const relay = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    const text = chunk.toString();
    if (!ready && p.ready.test(text)) {
      ready = true;
      s.markReady();
    }
    const lines = text.split('\n').filter(Boolean);
    s.lastLines = [...s.lastLines, ...lines].slice(-3);
    stream.write(lines.map((l) => prefix + shown(l, stream === process.stderr)).join('\n') + '\n');
  };
  child.stdout.on('data', relay(process.stdout));
  child.stderr.on('data', relay(process.stderr));
  child.once('exit', (code, signal) => {
    if (stopping) return;
    // Never a reason to stop the others: the child is restarted until it comes up.
    const why = s.lastLines.at(-1)?.slice(0, 300) ?? 'no output';
    if (!ready) say(`${p.name} exited with ${code ?? signal} before it was ready (last line: ${why}); it will be restarted until it is`);
    scheduleRestart(s, code ?? signal);
  });
}

/** The others keep serving meanwhile; a crash loop backs off rather than spinning. */
function scheduleRestart(s: Supervised, how: number | string | null): void {
  if (stopping || s.timer) return;
  s.streak = Date.now() - s.startedAt >= STABLE_MS ? 1 : s.streak + 1;
  const delay = Math.min(BACKOFF_FIRST_MS * 2 ** (s.streak - 1), BACKOFF_MAX_MS);
  say(`${s.proc.name} exited unexpectedly (${how}); restarting in ${delay} ms (restart #${s.restarts + 1})`);
  s.timer = setTimeout(() => {
    s.timer = undefined;
    if (stopping) return;
    s.restarts += 1;
    spawnChild(s);
    const child = s.child;
    // Said once this incarnation is ready (the first incarnation's readiness is the system's).
    const onReady = (chunk: Buffer) => {
      if (!s.proc.ready.test(chunk.toString()) || s.child !== child) return;
      child?.stdout?.off('data', onReady);
      say(`${s.proc.name} is back (restart #${s.restarts}, pid ${child?.pid})`);
    };
    child?.stdout?.on('data', onReady);
  }, delay);
}

async function stopAll(code: number): Promise<never> {
  stopping = true;
  for (const s of supervised) clearTimeout(s.timer);
  await Promise.all(
    supervised.map(
      ({ child: c }) =>
        new Promise<void>((resolve) => {
          if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
          setTimeout(() => c.kill('SIGKILL'), 5_000).unref();
        }),
    ),
  );
  const restarted = supervised.filter((s) => s.restarts > 0).map((s) => `${s.proc.name} ×${s.restarts}`);
  if (restarted.length > 0) say(`restarts during this run: ${restarted.join(', ')}`);
  process.exit(code);
}

async function main() {
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
  const withRedis = await redisAnswers(REDIS_URL);
  shared = { ...portEnv(), ...namespaceEnv(), ...ssoEnv() };
  const procs = processes(withRedis).filter((p) => fs.existsSync(path.join(root, p.args[p.args.length - 1])));
  width = Math.max(...procs.map((p) => p.name.length), 'supervisor'.length);
  for (const proc of procs) {
    let markReady = () => undefined as void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    supervised.push({ proc, restarts: 0, streak: 0, startedAt: 0, ready, markReady, lastLines: [] });
  }
  // The SSO and the services first (the BFFs call them), then the BFFs. A child that exits before
  // it is ready is restarted with backoff until it is (each process also waits for what it depends
  // on by itself): one child never aborts the whole system.
  const [first, rest] = [supervised.filter((s) => !s.proc.name.startsWith('bff-')), supervised.filter((s) => s.proc.name.startsWith('bff-'))];
  first.forEach(spawnChild);
  const waiting = setInterval(() => {
    const late = supervised.filter((s) => s.child && !readyNames.has(s.proc.name)).map((s) => s.proc.name);
    if (late.length > 0) say(`still waiting for: ${late.join(', ')} (each names what it waits for above)`);
  }, 15_000);
  const readyNames = new Set<string>();
  for (const s of supervised) void s.ready.then(() => readyNames.add(s.proc.name));
  await Promise.all(first.map((s) => s.ready));
  rest.forEach(spawnChild);
  await Promise.all(rest.map((s) => s.ready));
  clearInterval(waiting);
  const lines = [
    '',
    'The contract BFF system is up:',
    ...procs.map((p) => `  ${p.name.padEnd(width)}  ${p.url}`),
    '',
    `  Open the screens:  ${local(ports.pc)}/   (PC)     ${local(ports.mobile)}/   (mobile)     API docs: ${local(ports.pc)}/docs/`,
    '  Demo users: demo / demo1234, kim / kim1234 (agent) · lee / lee1234 (viewer) · park / park1234 (supervisor) · ops / ops1234 (operator)',
    '',
    `  Sign-in: ${SSO_ISSUER ? `the OIDC provider ${SSO_ISSUER} (SSO_ISSUER), for the BFFs and the services` : `the dev SSO at ${local(ports.sso)}`}.`,
    withRedis ? `  Redis at ${REDIS_URL}: sessions and contract caches use it.` : '  No Redis: sessions stay in process memory (dev only).',
    ...(NAMESPACE ? [`  Namespace ${NAMESPACE} (moved ports): data in data/${NAMESPACE}/, Redis keys, streams and topics of its own.`] : []),
    `  Saga events (broker mode): ${BUS_TEXT[busOf(withRedis)] ?? busOf(withRedis)}.`,
    '  A process that dies is restarted (with backoff); Ctrl-C stops everything.',
    '',
  ];
  console.log(lines.join('\n'));
}

void main();
