import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { ServiceDatabase } from './create-database';
import { isUniqueViolation } from './is-unique-violation';

export interface JobLease {
  /** Takes or renews the lease for `ms`; true when this process holds it and should run the job now. */
  hold(ms: number): Promise<boolean>;
  /** Gives the lease up (clean shutdown), so another process takes over at once. */
  release(): Promise<void>;
}

/**
 * One row per periodic job in the service's database (`SA_JOB_LEASE`): the process named in it
 * runs the job until `LEASE_UNTIL`, renewing it at each run; any other process of the service takes
 * it once it has lapsed (its holder died or hangs). One conditional UPDATE, so two processes never
 * both hold it (docs/scaling.md).
 */
export function createJobLease(database: ServiceDatabase, job: string, holder = `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`): JobLease {
  const { db } = database;
  return {
    hold: async (ms) => {
      const now = new Date();
      const until = database.timestamp(new Date(now.getTime() + ms));
      const taken = await db
        .updateTable('SA_JOB_LEASE')
        .set({ HOLDER: holder, LEASE_UNTIL: until })
        .where('JOB_NAME', '=', job)
        .where((eb) => eb.or([eb('HOLDER', '=', holder), eb('LEASE_UNTIL', '<', database.timestamp(now))]))
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) > 0) return true;
      try {
        await db.insertInto('SA_JOB_LEASE').values({ JOB_NAME: job, HOLDER: holder, LEASE_UNTIL: until }).execute();
        return true;
      } catch (err) {
        if (isUniqueViolation(err)) return false; // the row exists: another process holds the lease
        throw err;
      }
    },
    release: async () => {
      await db.deleteFrom('SA_JOB_LEASE').where('JOB_NAME', '=', job).where('HOLDER', '=', holder).execute();
    },
  };
}
