import { DB_KINDS, dropTestData, startTestService } from './support/service-harness';
import type { RunningService } from '../../services/platform/run-service';
import { waitFor } from './support/consistency-expect';

afterAll(dropTestData);

describe.each(DB_KINDS)('housekeeping of the outbox and the processed-message record on %s', (kind) => {
  let ms2: RunningService | undefined;
  afterEach(async () => {
    await ms2?.close();
    ms2 = undefined;
  });

  test('sent outbox rows and processed rows past the retention go; recent ones, and unsent old ones, stay', async () => {
    ms2 = await startTestService(kind, 'inetaplca', { EVENT_RETENTION_MS: '60000', PURGE_EVERY_MS: '200', OUTBOX_RELAY: 'false' });
    const { db, timestamp } = ms2.deps.database;
    const old = timestamp(new Date(Date.now() - 3_600_000));
    const recent = timestamp(new Date(Date.now() - 1000));
    const outbox = (label: string, created: Date | string, sent: Date | string | null) => ({
      TOPIC: 'purge-test', MSG_KEY: label, PAYLOAD: '{}', CREATED_AT: created, AVAILABLE_AT: created, SENT_AT: sent, ATTEMPTS: 0,
    });
    await db.insertInto('SA_OUTBOX').values([outbox('old-sent', old, old), outbox('recent-sent', recent, recent), outbox('old-unsent', old, null)]).execute();
    const processed = (globalNo: string, at: Date | string) => ({ GLOBAL_NO: globalNo, EVENT_NAME: 'inetaplcaContCreate', SUCCESS_YN: 'Y', REPLY: '{}', PROCESSED_AT: at });
    await db.insertInto('SA_PROCESSED_MSG').values([processed('purge-old-1', old), processed('purge-recent-1', recent)]).execute();

    const keys = await waitFor('the purge to run', async () => {
      const rows: { MSG_KEY: string }[] = await db.selectFrom('SA_OUTBOX').select('MSG_KEY').where('TOPIC', '=', 'purge-test').orderBy('MSG_KEY').execute();
      return rows.length === 2 ? rows.map((r) => r.MSG_KEY) : undefined;
    }, 10_000);
    expect(keys).toEqual(['old-unsent', 'recent-sent']);
    const left: { GLOBAL_NO: string }[] = await db.selectFrom('SA_PROCESSED_MSG').select('GLOBAL_NO').where('GLOBAL_NO', 'like', 'purge-%').execute();
    expect(left.map((r) => r.GLOBAL_NO)).toEqual(['purge-recent-1']);
  });
});
