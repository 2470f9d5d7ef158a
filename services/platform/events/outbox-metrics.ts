import { Gauge, Registry } from 'prom-client';
import type { ServiceDatabase } from '../db/create-database';

/**
 * The outbox backlog, read from the database at scrape time (the same truth for every process of
 * the service): events committed but not yet published, and how long the oldest has waited. A
 * backlog that grows, or an age past a few poll periods, means the relay or the broker is down.
 */
export function outboxMetrics(database: ServiceDatabase, app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  const { db } = database;
  const unsent = async () =>
    (await db.selectFrom('SA_OUTBOX').select([(eb) => eb.fn.countAll().as('N'), (eb) => eb.fn.min('CREATED_AT').as('OLDEST')]).where('SENT_AT', 'is', null).executeTakeFirst()) as
      | { N: number | string; OLDEST: string | Date | null }
      | undefined;
  let reading: Promise<Awaited<ReturnType<typeof unsent>>> | undefined;
  /** Both gauges from one query per scrape; a database that does not answer gives NaN (the rest of /metrics still answers). */
  const read = () => (reading ??= unsent().catch(() => ({ N: Number.NaN, OLDEST: null, failed: true })).finally(() => setImmediate(() => (reading = undefined))));
  new Gauge({
    name: 'outbox_unsent_events',
    help: 'Outbox rows committed but not yet published to the broker',
    registers: [registry],
    async collect() {
      this.set(Number((await read())?.N ?? 0));
    },
  });
  new Gauge({
    name: 'outbox_oldest_unsent_age_seconds',
    help: 'Age of the oldest unpublished outbox row (0 when none)',
    registers: [registry],
    async collect() {
      const row = await read();
      if (row && 'failed' in row) return this.set(Number.NaN);
      const oldest = row?.OLDEST;
      this.set(oldest ? Math.max(0, (Date.now() - new Date(oldest).getTime()) / 1000) : 0);
    },
  });
  return registry;
}
