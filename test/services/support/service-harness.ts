import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Admin, Consumer, Producer, ProduceAcks, stringSerializers } from '@platformatic/kafka';
import { kafkaTopicOffsets } from '../../../lib/events/kafka-topic-offsets';
import { createConnection } from 'mysql2/promise';
import { loadServiceConfig, type ServiceName } from '../../../config/service-config';
import { inetaplcaService } from '../../../services/inetaplca/service';
import { intelnetService } from '../../../services/intelnet/service';
import { pponService } from '../../../services/ppon/service';
import { startService, type RunningService, type ServiceDefinition } from '../../../services/platform/run-service';
import type { AnyDb } from '../../../services/platform/db/create-database';
import type { Kysely } from 'kysely';
import request from 'supertest';
import { startDevSso, type DevSso } from '../../support/dev-sso';

export type DbKind = 'sqlite' | 'mariadb';
export const DB_KINDS: DbKind[] = ['mariadb', 'sqlite'];
export const REDIS_URL = 'redis://127.0.0.1:6379';
/** The broker-mode transports the saga suites run on (the jest global setup starts Kafka). */
export type BusKind = 'redis' | 'kafka';
export const BUS_KINDS: BusKind[] = ['redis', 'kafka'];
export const KAFKA_BROKERS = '127.0.0.1:9092';
let kafkaUsed = false;
/** Settings that put a service on one transport; Kafka topics of a test get 3 partitions. */
export function busEnv(bus: BusKind): Record<string, string> {
  if (bus === 'redis') return { EVENT_BUS: 'redis' };
  kafkaUsed = true;
  return { EVENT_BUS: 'kafka', KAFKA_BROKERS, KAFKA_PARTITIONS: '3' };
}
/** Every (transport, database) pair a broker-mode suite runs on: `describe.each(BUS_AND_DB)('… %s … %s', (bus, kind) => …)`. */
export const BUS_AND_DB = BUS_KINDS.flatMap((bus) => DB_KINDS.map((db) => [bus, db] as [BusKind, DbKind]));

/** Unique per test file and run, so runs never share a database, a file or a cache key. */
const RUN = `t${Date.now().toString(36)}_${process.pid}`;
const SQLITE_DIR = path.join(os.tmpdir(), `contract-services-${RUN}`);
const DEFINITIONS: Record<ServiceName, ServiceDefinition> = { ppon: pponService, inetaplca: inetaplcaService, intelnet: intelnetService };

export const cachePrefix = (kind: DbKind) => `${RUN}:${kind}:`;
/** The change-notice channel of this run's services (and of the BFFs beside them): `CHANGE_NOTICE_CHANNEL`. */
export const noticeChannel = `${RUN}:notices`;
/** Streams of this run: `<run>.<db>.sa-app-samp-ppon-cont-…` (deleted with the cache keys). */
export const topicPrefix = (kind: DbKind, tag = 'main') => `${RUN}.${kind}.${tag}.sa-app-samp-ppon-cont-`;
const databaseName = (kind: DbKind, name: ServiceName) => `sa_${RUN}_${kind === 'mariadb' ? 'm' : 's'}_${name}`;

/**
 * The services authenticate every call (docs/identity.md#who-may-call-the-contract-services): the harness runs the real dev SSO (one per test
 * file, started on first use, stopped by dropTestData) and calls as a real user of it, by default
 * `ops` (role operator, so saga steps and repairs may be called by hand).
 */
let harnessSsoRun: Promise<DevSso> | undefined;
export const HARNESS_USER = 'ops';
const bearers = new Map<string, string>();

export function harnessSso(): Promise<DevSso> {
  harnessSsoRun ??= startDevSso([], { SSO_ACCESS_TOKEN_TTL: '3600' });
  return harnessSsoRun;
}

/** Mints (once) a real token of a dev user or service client, so that `auth()` can give it synchronously. */
export async function mintBearer(who = HARNESS_USER): Promise<string> {
  const sso = await harnessSso();
  const token = who.startsWith('contract-') ? await sso.clientToken(who as 'contract-operator') : await sso.userToken(who);
  bearers.set(who, `Bearer ${token}`);
  return bearers.get(who)!;
}

/** `{ authorization }` of an already minted caller (HARNESS_USER is minted by every start). */
export function auth(who = HARNESS_USER): { authorization: string } {
  const bearer = bearers.get(who);
  if (!bearer) throw new Error(`no token minted for ${who}: await mintBearer('${who}') first`);
  return { authorization: bearer };
}

/** A supertest agent on a service that sends the harness user's token on every call. */
export const api = (url: string, who = HARNESS_USER) => request.agent(url).set(auth(who));

/** Test settings: port 0, silent logs, short timeouts and backoff so fault tests stay quick. */
export function testEnv(kind: DbKind, name: ServiceName, overrides: Record<string, string> = {}): Record<string, string> {
  const settings: Record<string, string> = {
    PORT: '0',
    DB_KIND: kind,
    SQLITE_FILE: path.join(SQLITE_DIR, `${kind}-${name}.sqlite`),
    MARIADB_URL: `mysql://root@127.0.0.1:3306/${databaseName(kind, name)}`,
    REDIS_URL,
    CACHE_KEY_PREFIX: cachePrefix(kind),
    // Generous: a healthy participant on a loaded 2-core machine answers within it. A test that
    // needs the timeout to fire sets its own, beside a participant that is far slower than it.
    PARTICIPANT_TIMEOUT_MS: '5000',
    COMPENSATION_RETRIES: '2',
    COMPENSATION_BACKOFF_MS: '10',
    COMPENSATION_BACKOFF_MAX_MS: '1000',
    LOG_LEVEL: 'silent',
    EVENT_TOPIC_PREFIX: topicPrefix(kind),
    EVENT_REDELIVER_MS: '300',
    OUTBOX_POLL_MS: '50',
    SAGA_DEADLINE_MS: '2000',
    SAGA_SWEEP_MS: '100',
    JOB_LEASE_MS: '1000',
    NOTICE_CHANNEL: noticeChannel,
    OUTBOX_CLAIM_MS: '2000',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [`${name.toUpperCase()}_${k}`, v]));
}

export async function startTestService(kind: DbKind, name: ServiceName, overrides: Record<string, string> = {}): Promise<RunningService> {
  const ssoIssuer = overrides.SSO_ISSUER ?? (await harnessSso()).issuer;
  if (!overrides.SSO_ISSUER) await mintBearer();
  return startService(DEFINITIONS[name], loadServiceConfig(name, testEnv(kind, name, { SSO_ISSUER: ssoIssuer, ...overrides })));
}

export interface ThreeServices {
  ppon: RunningService;
  inetaplca: RunningService;
  intelnet: RunningService;
  db(name: ServiceName): Kysely<AnyDb>;
  /** Stops one service (its consumers, relay and sweeper with it). */
  stop(name: ServiceName): Promise<void>;
  /** Starts it again on the same databases and streams, with extra settings if given. */
  start(name: ServiceName, extra?: Record<string, string>): Promise<RunningService>;
  close(): Promise<void>;
}

export interface ServiceSetOptions {
  /** The transport of the set (Redis Streams unless told otherwise). */
  bus?: BusKind;
  /** Own streams for this set (`<run>.<db>.<tag>.…`), so that sets never consume each other's events. */
  tag?: string;
  /** The SSO the services trust (a BFF system's own); the harness's dev SSO otherwise. */
  ssoIssuer?: string;
  /**
   * Own databases (and contract cache keys) for this set too (`tag` names them), as a deployment has: sagas a test leaves
   * unfinished (COMPENSATING forever) are then never moved on by a later set's sweeper.
   */
  ownDatabases?: boolean;
  all?: Record<string, string>;
  inetaplca?: Record<string, string>;
  intelnet?: Record<string, string>;
}

/** The three real services on port 0, MS1 pointed at the real MS2 and MS3 unless told otherwise. */
export async function startThreeServices(kind: DbKind, pponOverrides: Record<string, string> = {}, options: ServiceSetOptions = {}): Promise<ThreeServices> {
  const tag = options.bus ? `${options.bus}-${options.tag ?? 'main'}` : options.tag;
  const common = { ...(options.bus ? busEnv(options.bus) : {}), ...(tag ? { EVENT_TOPIC_PREFIX: topicPrefix(kind, tag) } : {}), ...(options.ssoIssuer ? { SSO_ISSUER: options.ssoIssuer } : {}), ...options.all };
  const own = (name: ServiceName) => (options.ownDatabases && tag ? ownDatabases(kind, name, tag) : {});
  const settings: Record<ServiceName, Record<string, string>> = { inetaplca: { ...common, ...own('inetaplca'), ...options.inetaplca }, intelnet: { ...common, ...own('intelnet'), ...options.intelnet }, ppon: {} };
  const running = {} as Record<ServiceName, RunningService>;
  const stopped = new Set<ServiceName>();
  const start = async (name: ServiceName, extra: Record<string, string> = {}) => {
    running[name] = await startTestService(kind, name, { ...settings[name], ...extra });
    stopped.delete(name);
    return running[name];
  };
  await start('inetaplca');
  await start('intelnet');
  settings.ppon = { INETAPLCA_URL: running.inetaplca.url, INTELNET_URL: running.intelnet.url, ...common, ...own('ppon'), ...pponOverrides };
  await start('ppon');
  return {
    get ppon() {
      return running.ppon;
    },
    get inetaplca() {
      return running.inetaplca;
    },
    get intelnet() {
      return running.intelnet;
    },
    db: (name) => running[name].deps.database.db,
    stop: async (name) => {
      stopped.add(name);
      await running[name].close();
    },
    start,
    close: async () => {
      await Promise.all((Object.keys(running) as ServiceName[]).filter((n) => !stopped.has(n)).map((n) => running[n].close()));
    },
  };
}

/**
 * A service's own databases for one tag of this run (dropped with the rest), when sets of one file
 * must not share them, and the tag's own contract-cache keys (own databases number their contracts
 * from 1 again).
 */
export function ownDatabases(kind: DbKind, name: ServiceName, tag: string): Record<string, string> {
  const safe = tag.replace(/[^A-Za-z0-9_]/g, '_');
  return {
    SQLITE_FILE: path.join(SQLITE_DIR, `${kind}-${name}-${safe}.sqlite`),
    MARIADB_URL: `mysql://root@127.0.0.1:3306/${databaseName(kind, name)}_${safe}`,
    CACHE_KEY_PREFIX: `${cachePrefix(kind)}${safe}:`,
  };
}

/**
 * The contract view's settings (`CONTRACT_VIEW_…`) beside a service set of this run: its
 * own database (dropped with the rest), the set's streams and transport, the harness's SSO.
 */
export function viewTestEnv(kind: DbKind, options: ServiceSetOptions & { ssoIssuer: string; pponUrl?: string; inetaplcaUrl?: string; intelnetUrl?: string }, overrides: Record<string, string> = {}): Record<string, string> {
  const tag = options.bus ? `${options.bus}-${options.tag ?? 'main'}` : options.tag;
  const settings: Record<string, string> = {
    PORT: '0',
    DB_KIND: kind,
    SQLITE_FILE: path.join(SQLITE_DIR, `${kind}-contract-view-${tag ?? 'main'}.sqlite`),
    MARIADB_URL: `mysql://root@127.0.0.1:3306/sa_${RUN}_${kind === 'mariadb' ? 'm' : 's'}_view_${(tag ?? 'main').replace(/[^A-Za-z0-9_]/g, '_')}`,
    REDIS_URL,
    EVENT_TOPIC_PREFIX: topicPrefix(kind, tag),
    EVENT_REDELIVER_MS: '300',
    LOG_LEVEL: 'silent',
    SSO_ISSUER: options.ssoIssuer,
    ...(options.bus ? busEnv(options.bus) : {}),
    ...(options.pponUrl ? { PPON_URL: options.pponUrl, INETAPLCA_URL: options.inetaplcaUrl!, INTELNET_URL: options.intelnetUrl! } : {}),
    ...overrides,
  };
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [`CONTRACT_VIEW_${k}`, v]));
}

/** Drops this run's databases, SQLite files, cache keys and Kafka topics (and stops the harness's dev SSO). */
export async function dropTestData(): Promise<void> {
  const sso = harnessSsoRun;
  harnessSsoRun = undefined;
  bearers.clear();
  await (await sso?.catch(() => undefined))?.stop();
  const admin = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  try {
    const [rows] = await admin.query(`SHOW DATABASES LIKE 'sa\\_${RUN}\\_%'`);
    for (const row of rows as Record<string, string>[]) await admin.query(`DROP DATABASE \`${Object.values(row)[0]}\``);
  } finally {
    await admin.end();
  }
  fs.rmSync(SQLITE_DIR, { recursive: true, force: true });
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${RUN}[:.]*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  if (kafkaUsed) await dropKafkaTopics(`${RUN}.`);
}

/** Deletes the topics (and consumer groups) of a run's prefix, so the broker does not fill up. */
export async function dropKafkaTopics(prefix: string): Promise<void> {
  const admin = new Admin({ clientId: 'test-cleanup', bootstrapBrokers: [KAFKA_BROKERS] });
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    const groups = [...(await admin.listGroups()).keys()].filter((g) => g.includes(`@${prefix}`));
    if (groups.length > 0) await admin.deleteGroups({ groups }).catch(() => undefined); // a group still closing stays; it expires
  } finally {
    await admin.close();
  }
}

/** A URL on which nothing listens (the port was just free). */
export async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Rows of a table matching a column, straight from a service's own database. */
export function rowsWhere(db: Kysely<AnyDb>, table: string, column: string, value: unknown): Promise<Record<string, unknown>[]> {
  return db.selectFrom(table).selectAll().where(column, '=', value).execute();
}

/** One record of a topic (Kafka) or stream (Redis), as a foreign reader sees it. */
export interface RawRecord {
  /** Kafka `<partition>/<offset>`, Redis the entry id: the `id` the bus delivers and dead-letters. */
  id: string;
  key: string;
  value: string;
}

/** Writes a record as a foreign producer would (any value, even one no service can read). */
export async function publishRaw(bus: BusKind, topic: string, key: string, value: string): Promise<string> {
  if (bus === 'redis') {
    const redis = new Redis(REDIS_URL);
    try {
      return (await redis.xadd(topic, '*', 'key', key, 'payload', value)) as string;
    } finally {
      redis.disconnect();
    }
  }
  const producer = new Producer({ clientId: 'test-raw', bootstrapBrokers: [KAFKA_BROKERS], serializers: stringSerializers });
  try {
    const { offsets } = await producer.send({ acks: ProduceAcks.ALL, messages: [{ topic, key, value }] });
    const [written] = offsets ?? [];
    return `${written.partition}/${written.offset}`;
  } finally {
    await producer.close();
  }
}

/** Every record a topic / stream holds now (Kafka: all partitions up to their end), in log order per partition. */
export async function readTopic(bus: BusKind, topic: string): Promise<RawRecord[]> {
  if (bus === 'redis') {
    const redis = new Redis(REDIS_URL);
    try {
      const entries = (await redis.xrange(topic, '-', '+')) as [string, string[]][];
      return entries.map(([id, f]) => ({ id, key: f[f.indexOf('key') + 1] ?? '', value: f[f.indexOf('payload') + 1] ?? '' }));
    } finally {
      redis.disconnect();
    }
  }
  const admin = new Admin({ clientId: 'test-raw', bootstrapBrokers: [KAFKA_BROKERS] });
  const offsets = await kafkaTopicOffsets(admin, topic).finally(() => admin.close());
  const ends = new Map(offsets.map((p) => [p.partition, p.high]));
  const wanted = offsets.reduce((sum, p) => sum + Number(p.high - p.low), 0);
  const records: RawRecord[] = [];
  if (wanted === 0) return records;
  // A throwaway group reading from the beginning until every partition's end offset.
  const consumer = new Consumer({ clientId: 'test-raw', groupId: `test-read-${process.pid}-${Date.now().toString(36)}`, bootstrapBrokers: [KAFKA_BROKERS], maxWaitTime: 200, autocommit: false });
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest' });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${records.length} of ${wanted} records of ${topic} in 20 s`)), 20_000);
      stream.on('error', reject);
      stream.on('data', (message) => {
        if (message.offset < (ends.get(message.partition) ?? 0n)) records.push({ id: `${message.partition}/${message.offset}`, key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
        if (records.length >= wanted) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } finally {
    await consumer.close(true);
  }
  return records;
}

/**
 * Messages the consumer groups have not yet handled: received and not acknowledged, or not yet
 * delivered. Redis: each group's pending list plus whether its last delivered id is behind the
 * stream's last; Kafka: the lag (end offset minus committed) of each `<group>@<topics>` subscription
 * (lib/events/kafka-codec.ts). `group` narrows it to one group, `topic` (exact) or `prefix` to topics.
 */
export async function busBacklog(bus: BusKind, where: { prefix?: string; topic?: string; group?: string }): Promise<number> {
  const wanted = (t: string) => (where.topic ? t === where.topic : t.startsWith(where.prefix ?? ''));
  if (bus === 'redis') {
    const redis = new Redis(REDIS_URL);
    try {
      const streams = where.topic ? [where.topic] : (await redis.keys(`${where.prefix}*`)).filter(wanted);
      let backlog = 0;
      for (const stream of streams) {
        if ((await redis.type(stream)) !== 'stream') continue;
        const info = (await redis.xinfo('STREAM', stream)) as unknown[];
        const last = String(info[info.indexOf('last-generated-id') + 1]);
        for (const g of (await redis.xinfo('GROUPS', stream)) as unknown[][]) {
          const field = (name: string) => g[g.indexOf(name) + 1];
          if (where.group && field('name') !== where.group) continue;
          const delivered = String(field('last-delivered-id'));
          backlog += Number(field('pending')) + (compareStreamIds(delivered, last) < 0 ? 1 : 0);
        }
      }
      return backlog;
    } finally {
      redis.disconnect();
    }
  }
  const admin = new Admin({ clientId: 'test-raw', bootstrapBrokers: [KAFKA_BROKERS] });
  admin.on('error', () => undefined);
  try {
    let backlog = 0;
    for (const groupId of (await admin.listGroups()).keys()) {
      const at = groupId.indexOf('@');
      if (at < 0 || (where.group && groupId.slice(0, at) !== where.group)) continue;
      for (const topic of groupId.slice(at + 1).split(',').filter(wanted)) {
        const ends = await kafkaTopicOffsets(admin, topic);
        const [committed] = await admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: [{ name: topic, partitionIndexes: ends.map((p) => p.partition) }] }] });
        const done = new Map((committed?.topics.find((t) => t.name === topic)?.partitions ?? []).map((p) => [p.partitionIndex, p.committedOffset]));
        for (const p of ends) {
          const offset = done.get(p.partition) ?? -1n;
          backlog += Math.max(0, Number(p.high - (offset >= 0n ? offset : p.low)));
        }
      }
    }
    return backlog;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}
