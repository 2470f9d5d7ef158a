import type { Transaction } from 'kysely';
import type { EventBus, OutgoingEvent } from '../../../lib/events/event-bus';
import { decodeEvent, encodeEvent } from '../../../lib/events/event-codec';
import { errorText } from '../../../lib/events/event-bus';
import type { Logger } from '../../../lib/http/logger';
import { contextFrom, inSpan, messageGlobalNo, messageTraceHeaders, SpanKind, traceHeaders } from '../../../lib/telemetry/trace';
import type { AnyDb, ServiceDatabase } from '../db/create-database';
import type { FaultHooks } from './fault-hooks';

export interface Outbox {
  /** Adds an event to the caller's transaction: it is published only if that transaction commits. */
  add(trx: Transaction<AnyDb>, event: OutgoingEvent, availableAt?: Date): Promise<void>;
}

export interface OutboxRelay {
  /** Publishes now instead of at the next poll (called after a commit that added events). */
  kick(): void;
  close(): Promise<void>;
}

export function createOutbox(database: ServiceDatabase): Outbox {
  return {
    add: async (trx, event, availableAt = new Date()) => {
      // The trace context of the transaction that writes the row: the relay publishes under it.
      const headers = { ...event.headers, ...messageTraceHeaders() };
      await trx
        .insertInto('SA_OUTBOX')
        .values({
          TOPIC: event.topic,
          MSG_KEY: event.key,
          PAYLOAD: encodeEvent(event.payload),
          CREATED_AT: database.timestamp(),
          AVAILABLE_AT: database.timestamp(availableAt),
          ATTEMPTS: 0,
          HEADERS: Object.keys(headers).length > 0 ? JSON.stringify(headers) : null,
        })
        .execute();
    },
  };
}

const BATCH = 100;

/**
 * Publishes committed outbox rows in order and marks them sent. A crash after publishing and
 * before marking publishes the row again (consumers are idempotent); a crash before publishing
 * loses nothing (the row waits). A failed publish stops the batch, to keep the order, and is
 * retried at the next poll.
 */
export function startOutboxRelay(options: { database: ServiceDatabase; bus: EventBus; pollMs: number; logger: Logger; faults: FaultHooks }): OutboxRelay {
  const { database, bus, logger } = options;
  const { db } = database;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  const drain = async () => {
    for (;;) {
      const rows: Record<string, unknown>[] = await db
        .selectFrom('SA_OUTBOX')
        .select(['OUTBOX_NO', 'TOPIC', 'MSG_KEY', 'PAYLOAD', 'HEADERS'])
        .where('SENT_AT', 'is', null)
        .where('AVAILABLE_AT', '<=', database.timestamp())
        .orderBy('OUTBOX_NO')
        .limit(BATCH)
        .execute();
      for (const row of rows) {
        if (closed) return;
        const payload = decodeEvent(String(row.PAYLOAD));
        const stored = storedHeaders(row.HEADERS);
        const globalNo = messageGlobalNo(payload, stored);
        try {
          // A producer span, child of the writer's trace; the message carries this span's context.
          await inSpan(`publish ${String(row.TOPIC)}`, { kind: SpanKind.PRODUCER, parent: contextFrom(stored, globalNo), attributes: { 'messaging.destination.name': String(row.TOPIC), 'outbox.no': Number(row.OUTBOX_NO) } }, async () => {
            const event = { topic: String(row.TOPIC), key: String(row.MSG_KEY), payload, headers: { ...stored, ...traceHeaders() } };
            const delayMs = options.faults.publishDelayMs();
            if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
            await bus.publish(event);
            if (options.faults.publishTwice()) await bus.publish(event);
          });
        } catch (err) {
          logger.warn({ outboxNo: row.OUTBOX_NO, topic: row.TOPIC, err: errorText(err) }, 'outbox publish failed; retrying at the next poll');
          await db
            .updateTable('SA_OUTBOX')
            .set((eb: any) => ({ ATTEMPTS: eb('ATTEMPTS', '+', 1), LAST_ERROR: errorText(err).slice(0, 500) }))
            .where('OUTBOX_NO', '=', row.OUTBOX_NO)
            .execute();
          return;
        }
        await db.updateTable('SA_OUTBOX').set({ SENT_AT: database.timestamp() }).where('OUTBOX_NO', '=', row.OUTBOX_NO).execute();
      }
      if (rows.length < BATCH) return;
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
  const timer = setInterval(run, options.pollMs);
  run();
  return {
    kick: run,
    close: async () => {
      closed = true;
      clearInterval(timer);
      await running;
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
