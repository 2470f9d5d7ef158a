import { Admin } from '@platformatic/kafka';
import { kafkaGroupId } from '../../lib/events/kafka-codec';
import type { RunningService } from '../../services/platform/run-service';
import { consumerGroup, EVENT_TOPIC, topicName } from '../../services/platform/events/saga-events';
import { busEnv, dropTestData, KAFKA_BROKERS, rowsWhere, startTestService, startThreeServices, topicPrefix, type ThreeServices } from './support/service-harness';
import { newGlobalNo, ORIGINAL, pubsub, settledSaga } from './support/saga-client';

// Consumer-group rebalancing on the real Kafka broker: a second MS2 instance (same database,
// same topics, so the same consumer group) joins while sagas run, takes partitions, and leaves
// again. Every saga must still end, and no request may be applied twice.
afterAll(dropTestData);

const TAG = 'rebal';
// The harness puts the transport into a set's topic prefix (`<bus>-<tag>`), so this set's topics are these.
const PREFIX = topicPrefix('mariadb', `kafka-${TAG}`);
// A rebalance pauses consumption for a moment; the saga deadline is not what is tested here.
const SETTINGS = { SAGA_DEADLINE_MS: '20000' };
const ms2Group = kafkaGroupId(consumerGroup('inetaplca'), [EVENT_TOPIC.inetaplcaContCreate, EVENT_TOPIC.inetaplcaContUpdate, EVENT_TOPIC.inetaplcaContCreateCompensate].map((t) => topicName(PREFIX, t)));

describe('Kafka consumer-group rebalancing (mariadb)', () => {
  let s: ThreeServices;
  const admin = new Admin({ clientId: 'test', bootstrapBrokers: [KAFKA_BROKERS] });
  beforeAll(async () => {
    s = await startThreeServices('mariadb', {}, { bus: 'kafka', tag: TAG, all: SETTINGS });
  }, 60_000);
  afterAll(async () => {
    await admin.close();
    await s?.close();
  });

  /** Members of MS2's group and the partitions each holds, polled until `count` members (bounded). */
  async function ms2Members(count: number) {
    const end = Date.now() + 30_000;
    for (;;) {
      const group = (await admin.describeGroups({ groups: [ms2Group] })).get(ms2Group);
      const members = [...(group?.members.values() ?? [])];
      if (group?.state === 'Stable' && members.length === count) return members;
      if (Date.now() > end) throw new Error(`MS2's group has ${members.length} members (${group?.state}), expected ${count}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const startSagas = (n: number, label: string) =>
    Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const globalNo = newGlobalNo(`${label}${i}`);
        await pubsub(s.ppon, 'regPubsub', ORIGINAL, globalNo).expect(202);
        return globalNo;
      }),
    );

  test('a second MS2 instance joins and leaves mid-run: every saga ENDs, each MS2 row written once', async () => {
    expect(await ms2Members(1)).toHaveLength(1);
    const globalNos = await startSagas(8, 'before');

    const second: RunningService = await startTestService('mariadb', 'inetaplca', { ...busEnv('kafka'), EVENT_TOPIC_PREFIX: PREFIX, ...SETTINGS });
    const members = await ms2Members(2);
    // Both members hold partitions: the newcomer really takes part of the work.
    expect(members.every((m) => [...(m.assignments?.values() ?? [])].some((a) => a.partitions.length > 0))).toBe(true);
    globalNos.push(...(await startSagas(8, 'during')));

    await second.close();
    expect(await ms2Members(1)).toHaveLength(1);
    globalNos.push(...(await startSagas(8, 'after')));

    for (const globalNo of globalNos) {
      const saga = await settledSaga(s.ppon, globalNo, 30_000);
      expect({ globalNo, state: saga.state }).toEqual({ globalNo, state: 'END' });
      expect(await rowsWhere(s.db('inetaplca'), 'SA_INETAPLCA_CONT', 'TRANSAC_NO', globalNo)).toHaveLength(1);
      expect(await rowsWhere(s.db('intelnet'), 'SA_INTELNET_CONT', 'TRANSAC_NO', globalNo)).toHaveLength(1);
    }
  }, 120_000);
});
