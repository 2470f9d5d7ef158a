import type { ExpressionBuilder, Transaction } from 'kysely';
import type { EventBus, OutgoingEvent } from '../../../lib/events/event-bus';
import { decodeEvent, encodeEvent } from '../../../lib/events/event-codec';
import { errorText } from '../../../lib/events/event-bus';
import type { Logger } from '../../../lib/http/logger';
import { contextFrom, inSpan, messageGlobalNo, messageTraceHeaders, SpanKind, traceHeaders } from '../../../lib/telemetry/trace';
import type { AnyDb, ServiceDatabase } from '../db/create-database';
import type { FaultHooks } from './fault-hooks';
import { stagedInserts } from '../db/staged-inserts';
import { settleWithin } from '../../../lib/async/settle-within';

export interface Outbox {
  /**
   * Adds an event to the caller's transaction: it is published only if that transaction commits.
   * In a transaction of `database.transaction`, the transaction's rows are written in one INSERT
   * just before it commits, claimed by this process, and published as soon as it has committed (no
   * poll, no claim of its own); the relay's poll publishes them only if this process dies or fails
   * to publish them within the claim.
   */
  add(trx: Transaction<AnyDb>, event: OutgoingEvent, availableAt?: Date): Promise<void>;
}

export interface OutboxRelay {
  /** Publishes now instead of at the next poll. */
  kick(): void;
  /** Publishes rows this process wrote claimed, now that their transaction has committed. */
  publishCommitted(rows: OutboxRow[]): void;
  /** How long a claim lasts: what `add` claims its rows for. */
  claimMs: number;
  close(): Promise<void>;
}

export function createOutbox(database: ServiceDatabase, relay?: OutboxRelay): Outbox {
  /** One INSERT for a transaction's rows; those due now are claimed by this process and published once it has committed. */
  const insert = stagedInserts<StagedRow>(database, async (trx, rows) => {
    const published: OutboxRow[] = [];
    // Only in a transaction whose commit we will hear of; otherwise the rows are left to the relays' poll.
    const ours = Boolean(relay) && rows.some((r) => r.due) && database.afterCommit(trx, () => relay?.publishCommitted(published));
    const until = ours && relay ? database.timestamp(new Date(Date.now() + relay.claimMs)) : null;
    const values = rows.map(({ row, availableAt, due }) => ({
      ...row,
      CREATED_AT: database.timestamp(),
      AVAILABLE_AT: database.timestamp(availableAt),
      ATTEMPTS: 0,
      // Claimed by this process from the start: the relays' polls leave it alone.
      CLAIM_UNTIL: due ? until : null,
    }));
    const result = await trx.executeQuery<{ OUTBOX_NO: number }>(trx.insertInto('SA_OUTBOX').values(values).returning('OUTBOX_NO').compile());
    if (ours) rows.forEach(({ row, due }, i) => {
      if (due) published.push({ ...row, OUTBOX_NO: Number(result.rows[i].OUTBOX_NO) });
    });
  });

  return {
    add: async (trx, event, availableAt = new Date()) => {
      // The trace context of the transaction that writes the row: the relay publishes under it.
      const headers = { ...event.headers, ...messageTraceHeaders() };
      const row = { TOPIC: event.topic, MSG_KEY: event.key, PAYLOAD: encodeEvent(event.payload), HEADERS: Object.keys(headers).length > 0 ? JSON.stringify(headers) : null };
      await insert(trx, { row, availableAt, due: availableAt.getTime() <= Date.now() });
    },
  };
}

interface StagedRow {
  row: Omit<OutboxRow, 'OUTBOX_NO'>;
  availableAt: Date;
  /** Due now: published by this process right after the commit. */
  due: boolean;
}

const BATCH = 100;
/** How long a published row may wait to be marked sent with others (its claim keeps the polls off it meanwhile). */
const MARK_EVERY_MS = 100;
const COLUMNS = ['OUTBOX_NO', 'TOPIC', 'MSG_KEY', 'PAYLOAD', 'HEADERS'] as const;
export type OutboxRow = Record<(typeof COLUMNS)[number], unknown>;

/**
 * Publishes committed outbox rows and marks them sent. Any number of relays (one per process of a
 * service) share one outbox, and a row is published by whoever holds its claim (`CLAIM_UNTIL`):
 * - the process that wrote it, at once: `publishCommitted` gets the rows `add` wrote claimed, after
 *   their transaction committed, and publishes them with whatever else is waiting, a batch per
 *   round trip (marked sent up to 100 ms later, many rows to an `UPDATE`);
 * - any relay's poll, every `pollMs`, for the rest (a writer that died or failed to publish, rows
 *   due later): it claims a batch for `claimMs` (MariaDB: `SELECT … FOR UPDATE SKIP LOCKED`, then
 *   the claim, in one short transaction; SQLite: one `UPDATE … RETURNING`, SQLite running one
 *   writer at a time), publishes it in one round trip, and marks it.
 * So without faults each row is published exactly once. A process that dies or hangs past its
 * claim leaves its rows to another relay (published again if it had published them: at least
 * once); a failed publish releases the batch for the next poll. Order holds within a batch; across
 * relays and retries it does not, which the consumers absorb (docs/scaling.md).
 */
export function startOutboxRelay(options: { database: ServiceDatabase; bus: EventBus; pollMs: number; claimMs: number; logger: Logger; faults: FaultHooks }): OutboxRelay {
  const { database, bus, logger } = options;
  const { db } = database;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  const claim = async (): Promise<OutboxRow[]> => {
    const now = database.timestamp();
    const until = database.timestamp(new Date(Date.now() + options.claimMs));
    const claimable = (eb: ExpressionBuilder<AnyDb, 'SA_OUTBOX'>) =>
      eb.and([eb('SENT_AT', 'is', null), eb('AVAILABLE_AT', '<=', now), eb.or([eb('CLAIM_UNTIL', 'is', null), eb('CLAIM_UNTIL', '<', now)])]);
    if (database.kind === 'sqlite') {
      const rows: OutboxRow[] = await db
        .updateTable('SA_OUTBOX')
        .set({ CLAIM_UNTIL: until })
        .where('OUTBOX_NO', 'in', db.selectFrom('SA_OUTBOX').select('OUTBOX_NO').where(claimable).orderBy('OUTBOX_NO').limit(BATCH))
        .returning([...COLUMNS])
        .execute();
      return rows.sort((a, b) => Number(a.OUTBOX_NO) - Number(b.OUTBOX_NO));
    }
    // Most polls find nothing (writers publish their own rows): one plain read says so, without the
    // claim's transaction and its three round trips more.
    const any = await db.selectFrom('SA_OUTBOX').select('OUTBOX_NO').where(claimable).limit(1).executeTakeFirst();
    if (!any) return [];
    // READ COMMITTED: the locking read takes record locks only, no gap locks, so it never blocks
    // (or deadlocks with) the services' transactions inserting new outbox rows.
    return db.transaction().setIsolationLevel('read committed').execute(async (trx) => {
      const rows: OutboxRow[] = await trx.selectFrom('SA_OUTBOX').select([...COLUMNS]).where(claimable).orderBy('OUTBOX_NO').limit(BATCH).forUpdate().skipLocked().execute();
      if (rows.length > 0) await trx.updateTable('SA_OUTBOX').set({ CLAIM_UNTIL: until }).where('OUTBOX_NO', 'in', rows.map((r) => r.OUTBOX_NO)).execute();
      return rows;
    });
  };

  /** The row as an event, under a producer span, child of the writer's trace (the message carries the span's context). */
  const eventOf = (row: OutboxRow) => {
    const payload = decodeEvent(String(row.PAYLOAD));
    const stored = storedHeaders(row.HEADERS);
    const topic = String(row.TOPIC);
    return inSpan(`publish ${topic}`, { kind: SpanKind.PRODUCER, parent: contextFrom(stored, messageGlobalNo(payload, stored)), attributes: { 'messaging.destination.name': topic, 'outbox.no': Number(row.OUTBOX_NO) } }, async () => ({
      topic,
      key: String(row.MSG_KEY),
      payload,
      headers: { ...stored, ...traceHeaders() },
    }));
  };

  /** Publishes claimed rows in one round trip and marks them sent; a failure releases them for the next poll. */
  const publish = async (rows: OutboxRow[], closing: () => boolean): Promise<boolean> => {
    const numbers = rows.map((r) => r.OUTBOX_NO);
    try {
      const events = [];
      for (const row of rows) {
        const delayMs = options.faults.publishDelayMs();
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        const event = await eventOf(row);
        events.push(event);
        if (options.faults.publishTwice()) events.push(event);
      }
      if (closing()) throw new Error('the relay is closing');
      await bus.publishBatch(events);
    } catch (err) {
      if (!closed) logger.warn({ outboxNo: numbers[0], rows: rows.length, err: errorText(err) }, 'outbox publish failed; retrying at the next poll');
      await db
        .updateTable('SA_OUTBOX')
        .set((eb) => ({ CLAIM_UNTIL: null, ATTEMPTS: eb('ATTEMPTS', '+', 1), LAST_ERROR: errorText(err).slice(0, 500) }))
        .where('OUTBOX_NO', 'in', numbers)
        .execute();
      return false;
    }
    markSent(numbers);
    return true;
  };

  // Published rows are marked sent a few milliseconds later, many in one UPDATE: under load that is
  // one statement for dozens of rows instead of one per publish. Until marked, a row keeps its
  // claim, so no poll takes it; a process that dies in between leaves its claim to lapse and the
  // rows are published again (at least once, as for any death between publish and mark).
  const unmarked: unknown[] = [];
  let marking: Promise<void> | undefined;
  let markTimer: NodeJS.Timeout | undefined;
  const flushMarks = (): Promise<void> => {
    clearTimeout(markTimer);
    markTimer = undefined;
    if (marking || unmarked.length === 0) return marking ?? Promise.resolve();
    const numbers = unmarked.splice(0, unmarked.length);
    marking = db
      .updateTable('SA_OUTBOX')
      .set({ SENT_AT: database.timestamp(), CLAIM_UNTIL: null })
      .where('OUTBOX_NO', 'in', numbers)
      .execute()
      .then(
        () => undefined,
        // Not marked: the claim lapses and a poll publishes the rows again (at least once).
        (err: unknown) => logger.warn({ rows: numbers.length, err: errorText(err) }, 'outbox rows published but not marked sent; they will be published again'),
      )
      .finally(() => {
        marking = undefined;
        if (unmarked.length > 0) markTimer ??= setTimeout(() => void flushMarks(), MARK_EVERY_MS);
      });
    return marking;
  };
  const markSent = (numbers: unknown[]) => {
    unmarked.push(...numbers);
    if (unmarked.length >= BATCH) void flushMarks();
    else markTimer ??= setTimeout(() => void flushMarks(), MARK_EVERY_MS);
  };

  const drain = async () => {
    for (;;) {
      if (closed) return;
      const rows = await claim();
      if (rows.length === 0) return;
      if (!(await publish(rows, () => closed)) || rows.length < BATCH) return;
    }
  };
  const run = () => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((err: unknown) => logger.warn({ err: errorText(err) }, 'outbox relay failed; retrying at the next poll'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  };

  // Rows this process wrote claimed, their transactions committed: published in the order of the
  // commits, one batch at a time, so that commits arriving during a publish go out together in the
  // next one (one round trip and one UPDATE for many sagas under load). A close lets the batch in
  // flight finish; rows still waiting keep their claim and are published by a relay's poll once it
  // lapses (claimMs).
  const committed: OutboxRow[] = [];
  let pumping: Promise<void> | undefined;
  const pump = async () => {
    while (committed.length > 0 && !closed) {
      await publish(committed.splice(0, BATCH), () => false).catch((err: unknown) => logger.warn({ err: errorText(err) }, 'outbox relay failed; retrying at the next poll'));
    }
  };
  const startPump = () => {
    if (pumping || closed) return;
    pumping = pump().finally(() => {
      pumping = undefined;
      if (committed.length > 0) startPump();
    });
  };
  const publishCommitted = (rows: OutboxRow[]) => {
    if (closed || rows.length === 0) return;
    committed.push(...rows);
    startPump();
  };

  const timer = setInterval(run, options.pollMs);
  run();
  return {
    kick: run,
    publishCommitted,
    claimMs: options.claimMs,
    close: async () => {
      closed = true;
      clearInterval(timer);
      // A publish under way finishes, within a claim at most (its rows keep their claim, so if it
      // does not, another relay publishes them once the claim lapses: at least once).
      await settleWithin(Promise.all([running, pumping]), options.claimMs, () => undefined);
      // What was published is marked before the database closes (a mark under way first, then the rest).
      while (marking || unmarked.length > 0) await flushMarks();
    },
  };
}

function storedHeaders(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  try {
    return JSON.parse(value) as Record<string, string>;
  } catch {
    return undefined;
  }
}
