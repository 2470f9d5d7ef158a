import type { ServiceName } from '../../config/service-config';
import { dropTestData, readTopic, REDIS_URL, type BusKind, type DbKind } from './support/service-harness';
import { startReplicas, type ReplicaSet } from './support/replica-harness';
import { newGlobalNo, ORIGINAL, pubsub } from './support/saga-client';
import { sleep, waitFor } from './support/consistency-expect';
import { Redis } from 'ioredis';
import { sql } from 'kysely';

const COUNT = sql<number | string>`count(*)`.as('N');

afterAll(dropTestData);
jest.setTimeout(240_000);

const SERVICES: ServiceName[] = ['ppon', 'inetaplca', 'intelnet'];
const N = Number(process.env.REPLICA_TEST_SAGAS ?? 40);

/** Every topic's records on the bus, by topic name without the run's prefix. */
async function busCounts(bus: BusKind, prefix: string, topics: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const topic of topics) counts[topic.slice(prefix.length)] = (await readTopic(bus, topic)).length;
  return counts;
}

/** Outbox rows of the three databases, by topic (what the services committed to publish). */
async function outboxCounts(set: ReplicaSet): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of SERVICES) {
    const rows: { TOPIC: string; N: number | string }[] = await set.database(name).db.selectFrom('SA_OUTBOX').select(['TOPIC', COUNT]).groupBy('TOPIC').execute();
    for (const r of rows) counts[r.TOPIC.slice(set.prefix.length)] = (counts[r.TOPIC.slice(set.prefix.length)] ?? 0) + Number(r.N);
  }
  return counts;
}

const cases: [BusKind, DbKind][] = [
  ['redis', 'mariadb'],
  ['redis', 'sqlite'],
  ['kafka', 'mariadb'],
];

describe.each(cases)('two replicas of every service on %s / %s', (bus, kind) => {
  let set: ReplicaSet;
  beforeAll(async () => {
    set = await startReplicas(kind, { bus, tag: 'outbox', all: { SAGA_DEADLINE_MS: '30000', PARTICIPANT_TIMEOUT_MS: '5000', EVENT_REDELIVER_MS: '15000', JOB_LEASE_MS: '4000', PURGE_EVERY_MS: '500' } });
  });
  afterAll(async () => {
    if (set && process.env.SAGA_TEST_LOG_LEVEL) for (const name of SERVICES) for (const r of set.replicas(name)) console.log(name, r.index, set.output(r).slice(-3000));
    await set?.close();
  });

  test(`${N} broker-mode registers: every saga ends END and every outbox row is on the bus exactly once`, async () => {
    const ms1 = set.replicas('ppon');
    const globalNos: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < N) {
          const i = next++;
          const globalNo = newGlobalNo(`rep${i}`);
          globalNos.push(globalNo);
          await pubsub(ms1[i % ms1.length], 'regPubsub', ORIGINAL, globalNo).expect(202);
        }
      }),
    );
    const db = set.database('ppon').db;
    await waitFor('every saga to end', async () => {
      const open: { N: number | string }[] = await db.selectFrom('SA_SAGA').select(COUNT).where('GLOBAL_NO', 'in', globalNos).where('STATE', 'not in', ['END', 'CANCEL']).execute();
      return Number(open[0].N) === 0;
    }, 120_000, 250);
    const states: { STATE: string }[] = await db.selectFrom('SA_SAGA').select('STATE').where('GLOBAL_NO', 'in', globalNos).execute();
    expect(states.filter((s) => s.STATE === 'END')).toHaveLength(N);

    // Every row published (the relays mark them), then the bus holds exactly the committed rows.
    await waitFor('every outbox row to be sent', async () => {
      let unsent = 0;
      for (const name of SERVICES) {
        const r: { N: number | string }[] = await set.database(name).db.selectFrom('SA_OUTBOX').select(COUNT).where('SENT_AT', 'is', null).execute();
        unsent += Number(r[0].N);
      }
      return unsent === 0;
    }, 30_000, 250);
    const committed = await outboxCounts(set);
    const topics = Object.keys(committed).map((t) => `${set.prefix}${t}`);
    const published = await busCounts(bus, set.prefix, topics);
    expect(published).toEqual(committed);
    expect(committed.inetaplcaContCreate).toBe(N);
    // no duplicate request reached a participant, so each answered each step once
    expect(committed.ContResponse).toBe(2 * N);
    if (bus === 'redis') {
      // and the relays never wrote to a topic no service committed to
      const redis = new Redis(REDIS_URL);
      const streams = await redis.keys(`${set.prefix}*`);
      const written = [];
      for (const stream of streams) if ((await redis.xlen(stream)) > 0) written.push(stream);
      redis.disconnect();
      expect(written.sort()).toEqual(topics.sort());
    }
  });

  test('the saga sweeper and the purge each run in one process at a time; killing the holder hands the sweeper over', async () => {
    const holderOf = async (name: ServiceName, job: string) =>
      (await set.database(name).db.selectFrom('SA_JOB_LEASE').select('HOLDER').where('JOB_NAME', '=', job).executeTakeFirst())?.HOLDER;
    const indexOf = (name: ServiceName, holder: string) => set.replicas(name).findIndex((r) => holder.includes(`-${r.spawned.child.pid}-`));
    const sweeper = await waitFor('a sweeper lease', () => holderOf('ppon', 'saga-sweeper'));
    const purger = await waitFor('a purge lease', () => holderOf('inetaplca', 'event-purge'));
    expect(indexOf('ppon', sweeper)).toBeGreaterThanOrEqual(0);
    expect(indexOf('inetaplca', purger)).toBeGreaterThanOrEqual(0);
    // Both MS1s try every 100 ms and both MS2s every 500 ms: the holders keep their jobs.
    for (let i = 0; i < 6; i++) {
      await sleep(400);
      expect(await holderOf('ppon', 'saga-sweeper')).toBe(sweeper);
      expect(await holderOf('inetaplca', 'event-purge')).toBe(purger);
    }
    const dead = indexOf('ppon', sweeper);
    await set.kill(set.replicas('ppon')[dead]);
    const next = await waitFor('the other MS1 to take the sweeper', async () => {
      const holder = await holderOf('ppon', 'saga-sweeper');
      return holder && holder !== sweeper ? holder : undefined;
    }, 20_000);
    expect(indexOf('ppon', next)).toBe(1 - dead);
  });
});
