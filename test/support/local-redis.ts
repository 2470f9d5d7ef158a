import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './free-port';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One redis-server process of a test's own, in its own temporary directory. */
export interface RedisProcess {
  port: number;
  dir: string;
  child: ChildProcess;
  /** A plain client to this one process (no cluster routing): to look at what it holds. */
  direct: Redis;
  /** SIGKILL, then the same command again in the same directory (a cluster node rejoins from its nodes.conf). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts redis-server with `args` on a free port and resolves once it accepts connections. With
 * `configFile` (lines, `{port}` and `{dir}` filled in) it runs from that file, which it may rewrite
 * (Sentinel does); `--sentinel` in `args` makes it a Sentinel.
 */
export async function startRedisProcess(args: string[], name = 'redis', configFile?: string): Promise<RedisProcess> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-${port}-`));
  const conf = path.join(dir, 'redis.conf');
  if (configFile) fs.writeFileSync(conf, configFile.replaceAll('{port}', String(port)).replaceAll('{dir}', dir));
  const persistence = args.includes('--sentinel') ? [] : ['--save', '', '--appendonly', 'no'];
  const argv = [...(configFile ? [conf] : []), '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...persistence, ...args];
  const spawnOne = () =>
    new Promise<ChildProcess>((resolve, reject) => {
      const child = spawn('redis-server', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/Ready to accept connections|\+monitor master/.test(out)) resolve(child);
      });
      child.once('exit', (code) => reject(new Error(`redis-server ${argv.join(' ')} exited ${code}:\n${out}`)));
    });
  const kill = async () => {
    const { child } = proc;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
  };
  const proc: RedisProcess = {
    port,
    dir,
    child: await spawnOne(),
    direct: new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 200 }),
    restart: async () => {
      await kill();
      proc.child = await spawnOne();
    },
    stop: async () => {
      proc.direct.disconnect();
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return proc;
}

export interface LocalRedisCluster {
  masters: RedisProcess[];
  /** `host:port,…` for REDIS_CLUSTER_NODES. */
  seeds: string;
  /** The master (by port) that owns `key`'s slot, asked of the cluster itself. */
  ownerOf(key: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * A Redis Cluster of `size` masters and no replicas, each a redis-server of this test's own. Nodes
 * keep serving their own slots while another is lost (`cluster-require-full-coverage no`, unless
 * `requireFullCoverage`), and declare a silent node failed after 2 s.
 */
export async function startRedisCluster(size = 3, options: { requireFullCoverage?: boolean } = {}): Promise<LocalRedisCluster> {
  const coverage = options.requireFullCoverage ? 'yes' : 'no';
  const masters = await Promise.all(
    Array.from({ length: size }, () =>
      startRedisProcess(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000', '--cluster-require-full-coverage', coverage], 'redis-cluster'),
    ),
  );
  const addresses = masters.map((m) => `127.0.0.1:${m.port}`);
  await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
  // every node must agree before a client starts (the create command returns once slots are assigned)
  for (let i = 0; ; i++) {
    const states = await Promise.all(masters.map((m) => m.direct.cluster('INFO').then((info) => /cluster_state:ok/.test(String(info)) && /cluster_known_nodes:(\d+)/.exec(String(info))?.[1] === String(size))));
    if (states.every(Boolean)) break;
    if (i > 100) throw new Error('the local Redis Cluster did not become ready');
    await sleep(100);
  }
  const ownerOf = async (key: string) => {
    const slot = Number(await masters[0].direct.cluster('KEYSLOT', key));
    const ranges = await masters[0].direct.cluster('SLOTS');
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`no node serves slot ${slot}`);
    return range[2][1];
  };
  return {
    masters,
    seeds: addresses.join(','),
    ownerOf,
    close: async () => void (await Promise.all(masters.map((m) => m.stop()))),
  };
}

export interface LocalSentinelSet {
  master: RedisProcess;
  replica: RedisProcess;
  sentinels: RedisProcess[];
  /** `host:port,…` for REDIS_SENTINELS. */
  seeds: string;
  masterName: string;
  /** The port of the master the Sentinels name now. */
  currentMaster(): Promise<number>;
  close(): Promise<void>;
}

/**
 * One master, one replica and three Sentinels (quorum 2) on loopback: the master is declared down
 * after 1 s of silence and its replica promoted.
 */
export async function startRedisSentinels(masterName = 'mymaster'): Promise<LocalSentinelSet> {
  const master = await startRedisProcess([], 'redis-master');
  const replica = await startRedisProcess(['--replicaof', '127.0.0.1', String(master.port)], 'redis-replica');
  const sentinelConf = [
    `sentinel monitor ${masterName} 127.0.0.1 ${master.port} 2`,
    `sentinel down-after-milliseconds ${masterName} 1000`,
    `sentinel failover-timeout ${masterName} 5000`,
    `sentinel parallel-syncs ${masterName} 1`,
    '',
  ].join('\n');
  const sentinels = await Promise.all([0, 1, 2].map(() => startRedisProcess(['--sentinel'], 'redis-sentinel', sentinelConf)));
  // a failover needs the Sentinels to know the replica and each other
  for (let i = 0; ; i++) {
    const known = await Promise.all(
      sentinels.map(async (s) => {
        const replicas = (await s.direct.call('SENTINEL', 'REPLICAS', masterName)) as unknown[];
        const peers = (await s.direct.call('SENTINEL', 'SENTINELS', masterName)) as unknown[];
        return replicas.length === 1 && peers.length === 2;
      }),
    );
    if (known.every(Boolean)) break;
    if (i > 300) throw new Error('the local Sentinels did not discover each other');
    await sleep(100);
  }
  // and the replica's first sync must be done (on a loaded machine it can take seconds), or a WAIT for it times out
  for (let i = 0; !/master_link_status:up/.test(String(await replica.direct.call('INFO', 'replication'))); i++) {
    if (i > 300) throw new Error('the local replica did not finish its first sync with the master');
    await sleep(100);
  }
  return {
    master,
    replica,
    sentinels,
    masterName,
    seeds: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
    currentMaster: async () => Number(((await sentinels[0].direct.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)) as string[])[1]),
    close: async () => void (await Promise.all([...sentinels, replica, master].map((p) => p.stop()))),
  };
}
