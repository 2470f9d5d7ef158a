import type { Logger } from '../../../lib/http/logger';
import type { ServiceDatabase } from '../db/create-database';
import { purgeGuardTombstones } from './purge-guard-tombstones';
import { createJobLease } from '../db/job-lease';

export interface EventPurge {
  /** Deletes sent outbox rows and processed-message rows older than the retention; answers how many. */
  run(): Promise<{ outbox: number; processed: number; tombstones: number }>;
  close(): Promise<void>;
}

/**
 * Housekeeping: the outbox and the processed-message record would otherwise grow
 * forever. Unsent outbox rows are never purged (they are work still to do). Purging a processed row
 * is safe: a duplicate older than the retention is still absorbed by the participant's saga guard
 * (SA_SAGA_GUARD, kept), which refuses or short-circuits a step already applied or compensated.
 * Among the processes of one service, one purges per period: the lease lasts a period plus
 * `leaseMs`, so the holder renews it at its next run and the others skip theirs.
 */
export function startEventPurge(options: { database: ServiceDatabase; retentionMs: number; everyMs: number; leaseMs: number; logger: Logger; guardRetentionMs?: number }): EventPurge {
  const { database, logger } = options;
  const { db } = database;
  const lease = createJobLease(database, 'event-purge');
  let running: Promise<unknown> | undefined;

  const run = async () => {
    const cutoff = database.timestamp(new Date(Date.now() - options.retentionMs));
    const outbox = await db.deleteFrom('SA_OUTBOX').where('SENT_AT', 'is not', null).where('SENT_AT', '<', cutoff).executeTakeFirst();
    const processed = await db.deleteFrom('SA_PROCESSED_MSG').where('PROCESSED_AT', '<', cutoff).executeTakeFirst();
    // Participants only (the orchestrator keeps no guard): tombstones of sagas unknown here.
    const tombstones = options.guardRetentionMs === undefined ? 0 : await purgeGuardTombstones(database, options.guardRetentionMs);
    const counts = { outbox: Number(outbox.numDeletedRows), processed: Number(processed.numDeletedRows), tombstones };
    if (counts.outbox + counts.processed + tombstones > 0) logger.info(counts, 'purged old outbox, processed-message and guard tombstone rows');
    return counts;
  };
  const timer = setInterval(() => {
    running ??= lease
      .hold(options.everyMs + options.leaseMs)
      .then((held): Promise<unknown> | undefined => (held ? run() : undefined))
      .catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'event purge failed; retried at the next period'))
      .finally(() => (running = undefined));
  }, options.everyMs);
  timer.unref();
  return {
    run,
    close: async () => {
      clearInterval(timer);
      await running;
      await lease.release().catch(() => undefined);
    },
  };
}
