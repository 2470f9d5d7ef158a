import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ServiceDatabase } from '../../platform/db/create-database';

export interface SagaMetrics {
  registry: Registry;
  /** A compensation attempt failed: the saga stays COMPENSATING and is retried later. */
  escalation(): void;
  /** A saga reached END or CANCEL (counted by the process that ended it). */
  finished(saga: { kind: string; mode: string; state: 'END' | 'CANCEL'; seconds: number }): void;
}

/**
 * MS1's saga gauges, read from its database at scrape time (so every MS1 process reports the same
 * truth): sagas COMPENSATING and sagas still START past their deadline, per mode; and a counter of
 * failed compensation attempts. Served at `GET /metrics/saga` (own registry, beside `/metrics`).
 */
const perDatabase = new WeakMap<ServiceDatabase, SagaMetrics>();

/** One set per MS1 (its app and its workers count into the same registry). */
export function sagaMetricsFor(database: ServiceDatabase): SagaMetrics {
  let metrics = perDatabase.get(database);
  if (!metrics) perDatabase.set(database, (metrics = createSagaMetrics(database)));
  return metrics;
}

/** A database that does not answer leaves the series absent for this scrape; the rest of /metrics still answers. */
const absent = () => [];

function createSagaMetrics(database: ServiceDatabase): SagaMetrics {
  const { db } = database;
  const registry = new Registry();
  registry.setDefaultLabels({ app: 'ppon' });
  const countBy = async (state: string, overdue: boolean) => {
    let query = db.selectFrom('SA_SAGA').select(['MODE', (eb) => eb.fn.countAll().as('N')]).where('STATE', '=', state).groupBy('MODE');
    if (overdue) query = query.where('DEADLINE_AT', '<', database.timestamp());
    return (await query.execute()) as unknown as { MODE: string; N: number | string }[];
  };
  new Gauge({
    name: 'saga_compensating',
    help: 'Sagas whose compensation has not completed yet (contract locked, retried with backoff)',
    labelNames: ['mode'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await countBy('COMPENSATING', false).catch(absent)) this.set({ mode: row.MODE }, Number(row.N));
    },
  });
  new Gauge({
    name: 'saga_start_past_deadline',
    help: 'Sagas still START after their deadline (should be 0 beyond one sweep)',
    labelNames: ['mode'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await countBy('START', true).catch(absent)) this.set({ mode: row.MODE }, Number(row.N));
    },
  });
  new Gauge({
    name: 'saga_dead_letters',
    help: 'Messages given up after every delivery, stored by MS1 from the dead-letter topic, by the topic they came from',
    labelNames: ['topic'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = (await db.selectFrom('SA_DEAD_LETTER').select(['SOURCE_TOPIC', (eb) => eb.fn.countAll().as('N')]).groupBy('SOURCE_TOPIC').execute().catch(absent)) as unknown as { SOURCE_TOPIC: string; N: number | string }[];
      for (const row of rows) this.set({ topic: row.SOURCE_TOPIC }, Number(row.N));
    },
  });
  const escalations = new Counter({ name: 'saga_compensation_failed_attempts_total', help: 'Compensation attempts that failed (each is an error log line)', registers: [registry] });
  const labelNames = ['kind', 'mode', 'state'] as const;
  const finished = new Counter({ name: 'saga_finished_total', help: 'Sagas that reached a final state (END, CANCEL), by kind (reg, amd) and mode (api, event)', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'saga_duration_seconds',
    help: 'Time from a saga\'s first write to its final state',
    labelNames,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
    registers: [registry],
  });
  return {
    registry,
    escalation: () => escalations.inc(),
    finished: ({ seconds, ...labels }) => {
      finished.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}
