import path from 'node:path';
import type { ServiceName } from '../../../config/service-config';
import { loadServiceConfig } from '../../../config/service-config';
import { createDatabase, type ServiceDatabase } from '../../../services/platform/db/create-database';
import { spawnReady, type Spawned } from '../../support/spawn-ready';
import { busEnv, harnessSso, mintBearer, ownDatabases, testEnv, topicPrefix, type BusKind, type DbKind } from './service-harness';

const ROOT = path.resolve(__dirname, '../../..');
const READY = /ready on (http:\/\/\S+)/;
const NAMES: ServiceName[] = ['inetaplca', 'intelnet', 'ppon'];

export interface Replica {
  name: ServiceName;
  index: number;
  url: string;
  spawned: Spawned;
}

/**
 * `count` processes of each of the three services on one database per service and one bus, as an
 * operator scales them out: the same settings, own ports. MS1 replica i calls MS2/MS3 replica i
 * over HTTP (API mode); the broker mode reaches whichever replica the group hands a message to.
 */
export interface ReplicaSet {
  replicas(name: ServiceName): Replica[];
  /** The service's database, opened by the test (shared by its replicas). */
  database(name: ServiceName): ServiceDatabase;
  prefix: string;
  kill(replica: Replica): Promise<void>;
  freeze(replica: Replica): void;
  thaw(replica: Replica): void;
  /** Starts a killed replica again on its port. */
  restart(replica: Replica): Promise<Replica>;
  output(replica: Replica): string;
  close(): Promise<void>;
}

export async function startReplicas(kind: DbKind, options: { bus: BusKind; tag: string; count?: number; all?: Record<string, string>; ppon?: Record<string, string> }): Promise<ReplicaSet> {
  const count = options.count ?? 2;
  const ssoIssuer = (await harnessSso()).issuer;
  await mintBearer();
  const prefix = topicPrefix(kind, `${options.bus}-${options.tag}`);
  const common = { ...busEnv(options.bus), EVENT_TOPIC_PREFIX: prefix, LOG_LEVEL: process.env.SAGA_TEST_LOG_LEVEL ?? 'silent', SSO_ISSUER: ssoIssuer, ...options.all };
  const envs = new Map<Replica, Record<string, string>>();
  const sets = new Map<ServiceName, Replica[]>(NAMES.map((n) => [n, []]));
  const earlier = new Map<Replica, string>();

  const spawnOne = async (name: ServiceName, index: number, env: Record<string, string>) => {
    const spawned = await spawnReady(process.execPath, ['--import', 'tsx', path.join(ROOT, `services/${name}/main.ts`)], env, READY, 60_000);
    const url = READY.exec(spawned.output())![1].replace('localhost', '127.0.0.1');
    const replica: Replica = { name, index, url, spawned };
    envs.set(replica, { ...env, [`${name.toUpperCase()}_PORT`]: new URL(url).port });
    return replica;
  };
  for (const name of NAMES) {
    const started = await Promise.all(
      Array.from({ length: count }, (_, i) => {
        const extra = name === 'ppon' ? { INETAPLCA_URL: sets.get('inetaplca')![i].url, INTELNET_URL: sets.get('intelnet')![i].url, ...options.ppon } : {};
        // Own databases per set: two sets of one test file never count each other's rows.
        return spawnOne(name, i, testEnv(kind, name, { ...common, ...ownDatabases(kind, name, `${options.bus}-${options.tag}`), ...extra }));
      }),
    );
    sets.set(name, started);
  }
  const databases = new Map<ServiceName, ServiceDatabase>();
  for (const name of NAMES) {
    const config = loadServiceConfig(name, envs.get(sets.get(name)![0]));
    databases.set(name, await createDatabase({ kind: config.dbKind, sqliteFile: config.sqliteFile, mariadbUrl: config.mariadbUrl }));
  }
  const kill = async (replica: Replica) => {
    const { child } = replica.spawned;
    if (child.exitCode !== null || child.signalCode !== null) return;
    earlier.set(replica, (earlier.get(replica) ?? '') + replica.spawned.output());
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  };
  return {
    prefix,
    replicas: (name) => sets.get(name)!,
    database: (name) => databases.get(name)!,
    kill,
    freeze: (r) => void r.spawned.child.kill('SIGSTOP'),
    thaw: (r) => void r.spawned.child.kill('SIGCONT'),
    restart: async (replica) => {
      await kill(replica);
      const again = await spawnOne(replica.name, replica.index, envs.get(replica)!);
      earlier.set(again, earlier.get(replica) ?? '');
      sets.get(replica.name)![replica.index] = again;
      return again;
    },
    output: (r) => (earlier.get(r) ?? '') + r.spawned.output(),
    close: async () => {
      for (const list of sets.values()) {
        for (const r of list) r.spawned.child.kill('SIGCONT');
        await Promise.all(list.map((r) => r.spawned.stop()));
      }
      for (const d of databases.values()) await d.close();
    },
  };
}
