import path from 'node:path';
import type { Kysely } from 'kysely';
import { loadServiceConfig, type ServiceName } from '../../../config/service-config';
import { createDatabase, type AnyDb, type ServiceDatabase } from '../../../services/platform/db/create-database';
import { spawnReady, type Spawned } from '../../support/spawn-ready';
import { harnessSso, mintBearer, ownDatabases, testEnv, topicPrefix, type DbKind } from './service-harness';

const ROOT = path.resolve(__dirname, '../../..');
const READY = /ready on (http:\/\/\S+)/;

/** What a test needs to reach a service: its URL (same shape as RunningService for the saga client). */
export interface ServiceProcess {
  url: string;
  port: number;
  spawned: Spawned;
}

export interface ProcessSet {
  ppon: ServiceProcess;
  inetaplca: ServiceProcess;
  intelnet: ServiceProcess;
  /** The service's own database, opened by the test process (reads and deliberate corruption). */
  db(name: ServiceName): Kysely<AnyDb>;
  /** SIGSTOP: the process holds its sockets and streams but does nothing, like a hung JVM. */
  freeze(name: ServiceName): void;
  thaw(name: ServiceName): void;
  /** SIGKILL, no clean shutdown: whatever was in flight is lost. */
  kill(name: ServiceName): Promise<void>;
  /** Starts it again on the same port, databases and streams. */
  restart(name: ServiceName, extra?: Record<string, string>): Promise<ServiceProcess>;
  /** The env each service was started with (for the consistency checker). */
  env(): Record<string, string>;
  output(name: ServiceName): string;
  close(): Promise<void>;
}

export interface ProcessSetOptions {
  tag: string;
  /** Own databases and cache keys for this set (`tag` names them), as for `startThreeServices`. */
  ownDatabases?: boolean;
  all?: Record<string, string>;
  ppon?: Record<string, string>;
  inetaplca?: Record<string, string>;
  intelnet?: Record<string, string>;
}

/**
 * The three services as real child processes (`node --import tsx services/<name>/main.ts`) with the env the
 * in-process harness builds, on port 0, so that a test can freeze, kill and restart one of them.
 */
export async function startServiceProcesses(kind: DbKind, options: ProcessSetOptions): Promise<ProcessSet> {
  // The services verify every call against the harness's dev SSO; the test's calls carry its tokens.
  const ssoIssuer = (await harnessSso()).issuer;
  await mintBearer();
  const common = { EVENT_TOPIC_PREFIX: topicPrefix(kind, options.tag), LOG_LEVEL: process.env.SAGA_TEST_LOG_LEVEL ?? 'silent', SSO_ISSUER: ssoIssuer, ...options.all };
  const envs = {} as Record<ServiceName, Record<string, string>>;
  const running = {} as Record<ServiceName, ServiceProcess>;
  const databases = new Map<ServiceName, ServiceDatabase>();
  const outputs: Record<string, string> = {};

  const spawnOne = async (name: ServiceName, extra: Record<string, string> = {}) => {
    const env = { ...envs[name], ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`${name.toUpperCase()}_${k}`, v])) };
    // `node --import tsx`, not the tsx CLI: the CLI runs the service in a grandchild, which SIGSTOP and SIGKILL would miss.
    const spawned = await spawnReady(process.execPath, ['--import', 'tsx', path.join(ROOT, `services/${name}/main.ts`)], env, READY, 60_000);
    const url = READY.exec(spawned.output())![1].replace('localhost', '127.0.0.1');
    const port = Number(new URL(url).port);
    // Later starts keep the port, so MS1's participant URLs stay right.
    envs[name][`${name.toUpperCase()}_PORT`] = String(port);
    running[name] = { url, port, spawned };
    return running[name];
  };

  const own = (name: ServiceName) => (options.ownDatabases ? ownDatabases(kind, name, options.tag) : {});
  envs.inetaplca = testEnv(kind, 'inetaplca', { ...common, ...own('inetaplca'), ...options.inetaplca });
  envs.intelnet = testEnv(kind, 'intelnet', { ...common, ...own('intelnet'), ...options.intelnet });
  await Promise.all([spawnOne('inetaplca'), spawnOne('intelnet')]);
  envs.ppon = testEnv(kind, 'ppon', { INETAPLCA_URL: running.inetaplca.url, INTELNET_URL: running.intelnet.url, ...common, ...own('ppon'), ...options.ppon });
  await spawnOne('ppon');

  const signal = (name: ServiceName, sig: NodeJS.Signals) => {
    running[name].spawned.child.kill(sig);
  };
  const set: ProcessSet = {
    get ppon() {
      return running.ppon;
    },
    get inetaplca() {
      return running.inetaplca;
    },
    get intelnet() {
      return running.intelnet;
    },
    db: (name) => {
      const open = databases.get(name);
      if (!open) throw new Error(`${name}'s database is not open; call openDatabases() first`);
      return open.db;
    },
    freeze: (name) => signal(name, 'SIGSTOP'),
    thaw: (name) => signal(name, 'SIGCONT'),
    kill: async (name) => {
      const { child } = running[name].spawned;
      if (child.exitCode !== null || child.signalCode !== null) return;
      outputs[name] = (outputs[name] ?? '') + running[name].spawned.output();
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    },
    restart: async (name, extra) => {
      await set.kill(name);
      return spawnOne(name, extra);
    },
    env: () => ({ ...envs.ppon, ...envs.inetaplca, ...envs.intelnet }),
    output: (name) => (outputs[name] ?? '') + running[name].spawned.output(),
    close: async () => {
      for (const name of Object.keys(running) as ServiceName[]) {
        signal(name, 'SIGCONT');
        await running[name].spawned.stop();
      }
      for (const database of databases.values()) await database.close();
    },
  };
  for (const name of ['ppon', 'inetaplca', 'intelnet'] as ServiceName[]) {
    const config = loadServiceConfig(name, envs[name]);
    databases.set(name, await createDatabase({ kind: config.dbKind, sqliteFile: config.sqliteFile, mariadbUrl: config.mariadbUrl }));
  }
  return set;
}
