import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../../lib/errors/app-error';
import type { Logger } from '../../../lib/http/logger';
import type { AnyDb, ServiceDatabase } from '../../platform/db/create-database';
import { isUniqueViolation } from '../../platform/db/is-unique-violation';
import { stagedInserts } from '../../platform/db/staged-inserts';
import { rowToJson } from '../../platform/contracts/column-case';
import type { StepReply } from '../transport/participant-client';
import type { SagaState } from './saga-state';
import type { Participant, SagaKind } from '../workflows/saga-workflow';
import { contextFrom, inSpan, markError, recordSpan, traceHeaders, tracingOn } from '../../../lib/telemetry/trace';

/** A saga step as a span: `saga <participant> <action>` (compensations included), its outcome an attribute. */
const stepSpanName = (step: StepRef) => `saga ${step.participant} ${step.action}`;
const stepAttributes = (step: StepRef) => ({ 'saga.participant': step.participant, 'saga.action': step.action, 'saga.attempt': step.attempt });

export interface StepRef {
  participant: Participant;
  action: string;
  attempt: number;
}

export interface SagaSummary {
  globalNo: string;
  saPponContNo: number;
  kind: SagaKind;
  mode: 'api' | 'event';
  state: SagaState;
  message: string | null;
  attempts: number;
  nextTryAt: string | null;
  deadlineAt: string | null;
  startedAt: string;
  undo: string | null;
}

export interface SagaLog {
  /** Opens the saga inside MS1's first transaction, recording that first local step; a globalNo already used is a 409. */
  begin(
    trx: Transaction<AnyDb>,
    saga: { globalNo: string; saPponContNo: number; kind: SagaKind; mode: 'api' | 'event'; deadlineAt: Date; /** The acting user's `sub` (the saga list shows an agent their own). */ startedBy?: string },
    first: StepRef & { startedAt: Date },
    /** More of the row, written with it (broker mode: the reply it awaits, `PendingSagas.columns`). */
    more?: Record<string, unknown>,
  ): Promise<void>;
  /** Whether a saga already has this globalNo (checked first, so a retried request is a CONFLICT, not SAGA_IN_PROGRESS). */
  exists(trx: Transaction<AnyDb>, globalNo: string): Promise<boolean>;
  /** START → COMPENSATING with the compensations to run, in order; false if the saga had already left START. */
  compensating(globalNo: string, change: { undo: string[]; message: string; nextTryAt: Date }, trx?: Transaction<AnyDb>): Promise<boolean>;
  /** While COMPENSATING: the remaining compensations, attempts and next try (visible to operators). */
  progress(globalNo: string, change: { undo?: string[]; attempts?: number; nextTryAt?: Date | null }, trx?: Transaction<AnyDb>): Promise<void>;
  summary(globalNo: string, trx?: Transaction<AnyDb>): Promise<SagaSummary | undefined>;
  list(filter: { state?: SagaState; limit: number }): Promise<SagaSummary[]>;
  /** Runs one step attempt, timing it and recording its outcome; a thrown error is an "N". */
  track(globalNo: string, step: StepRef, run: () => Promise<StepReply>, logger: Logger): Promise<StepReply>;
  /** Records a step that already happened (broker mode: a reply), inside the caller's transaction. */
  record(trx: Transaction<AnyDb> | undefined, globalNo: string, step: StepRef, result: { outcome: StepReply['outcome']; durationMs: number; startedAt: Date; error?: string }): Promise<void>;
  /**
   * Ends the saga; with `from`, only if it is still in that state (answers whether it changed).
   * `started` (when the caller has it) spares reading the saga back for its duration metric.
   */
  end(globalNo: string, state: 'END' | 'CANCEL', options?: SagaEnding): Promise<boolean>;
  find(globalNo: string): Promise<Record<string, unknown> | undefined>;
  /**
   * Takes a COMPENSATING saga of `mode` for one compensation attempt until `leaseUntil`: due (or
   * `force`d), and counts the attempt; false if it is not due or no longer compensating.
   */
  claim(globalNo: string, mode: 'api', change: { leaseUntil: Date; force: boolean }): Promise<boolean>;
  /** Sagas of `mode` still START past their deadline (MS1 died or stalled), at most `limit`. */
  overdue(mode: 'api', limit: number): Promise<string[]>;
  /** Sagas of `mode` COMPENSATING whose next try is due, oldest first, at most `limit`. */
  due(mode: 'api', limit: number): Promise<string[]>;
  /**
   * Runs `fn` in a span of the saga's own trace (the request that began it): what a sweeper or a
   * restarted MS1 does for a saga later stays in that one trace.
   */
  inSagaTrace<T>(globalNo: string, name: string, fn: () => Promise<T>): Promise<T>;
}

const MAX_TEXT = 500;
/** The saga row's columns its readers get (`GET /sagas/:globalNo`, the saga lists, the summaries): never a broker saga's working state. */
export const READABLE = ['GLOBAL_NO', 'SA_PPON_CONT_NO', 'KIND', 'MODE', 'STATE', 'MESSAGE', 'STARTED_AT', 'ENDED_AT', 'DEADLINE_AT', 'ATTEMPTS', 'NEXT_TRY_AT', 'UNDO', 'STARTED_BY'] as const;

export interface SagaEnding {
  message?: string;
  trx?: Transaction<AnyDb>;
  from?: SagaState;
  started?: { kind: SagaKind; mode: 'api' | 'event'; at: Date };
}

/** Told when a saga reaches its final state (MS1's metrics), after the change was made in `trx`. */
export type SagaEnded = (saga: { kind: SagaKind; mode: 'api' | 'event'; state: 'END' | 'CANCEL'; seconds: number }) => void;

export function createSagaLog(database: ServiceDatabase, onEnd?: SagaEnded): SagaLog {
  const { db } = database;
  type StepRow = { globalNo: string; step: StepRef; result: { outcome: string; durationMs: number; startedAt: Date | string; error?: string } };
  const stepValues = ({ globalNo, step, result }: StepRow) => ({
    GLOBAL_NO: globalNo,
    PARTICIPANT: step.participant,
    ACTION: step.action,
    ATTEMPT: step.attempt,
    OUTCOME: result.outcome,
    DURATION_MS: Math.round(result.durationMs),
    ERROR: result.error?.slice(0, MAX_TEXT) ?? null,
    STARTED_AT: result.startedAt,
  });
  const insertSteps = async (executor: Kysely<AnyDb>, rows: StepRow[]) => {
    await executor.insertInto('SA_SAGA_STEP').values(rows.map(stepValues)).execute();
  };
  /** Steps recorded inside a transaction: one INSERT for all of them, just before it commits (in the order recorded). */
  const stageStep = stagedInserts<StepRow>(database, insertSteps);
  const insertStep = (executor: Kysely<AnyDb>, globalNo: string, step: StepRef, result: StepRow['result']) =>
    executor.isTransaction ? stageStep(executor as Transaction<AnyDb>, { globalNo, step, result }) : insertSteps(executor, [{ globalNo, step, result }]);

  /** What a saga's duration metric needs, read back when the caller does not have it. */
  const startOf = async (executor: Kysely<AnyDb>, globalNo: string): Promise<SagaEnding['started']> => {
    const r = await executor.selectFrom('SA_SAGA').select(['KIND', 'MODE', 'STARTED_AT']).where('GLOBAL_NO', '=', globalNo).executeTakeFirst();
    return r && { kind: r.KIND as SagaKind, mode: r.MODE as 'api' | 'event', at: new Date(r.STARTED_AT as string) };
  };

  return {
    begin: async (trx, saga, first, more) => {
      try {
        await trx
          .insertInto('SA_SAGA')
          .values({
            ...more,
            GLOBAL_NO: saga.globalNo,
            SA_PPON_CONT_NO: saga.saPponContNo,
            KIND: saga.kind,
            MODE: saga.mode,
            STATE: 'START',
            STARTED_AT: database.timestamp(first.startedAt),
            DEADLINE_AT: database.timestamp(saga.deadlineAt),
            TRACE_HEADERS: traceHeadersText(),
            STARTED_BY: saga.startedBy?.slice(0, 255) ?? null,
          })
          .execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('CONFLICT', `A saga with globalNo ${saga.globalNo} already exists`);
        throw err;
      }
      const durationMs = Date.now() - first.startedAt.getTime();
      recordSpan(stepSpanName(first), { startTime: first.startedAt, globalNo: saga.globalNo, attributes: { ...stepAttributes(first), 'saga.kind': saga.kind, 'saga.mode': saga.mode, 'saga.outcome': 'Y' } });
      await insertStep(trx, saga.globalNo, first, { outcome: 'Y', durationMs, startedAt: database.timestamp(first.startedAt) });
    },
    track: async (globalNo, step, run, logger) => {
      const startedAt = database.timestamp();
      const started = performance.now();
      const reply = await inSpan(stepSpanName(step), { globalNo, attributes: stepAttributes(step) }, async (span): Promise<StepReply> => {
        let answer: StepReply;
        try {
          answer = await run();
        } catch (err) {
          logger.error({ err, globalNo, ...step }, 'saga step failed in MS1');
          answer = { outcome: 'N', message: 'MS1 could not record the step', body: {} };
        }
        span?.setAttribute('saga.outcome', answer.outcome);
        if (answer.outcome !== 'Y') markError(span, answer.message);
        return answer;
      });
      await insertStep(db, globalNo, step, {
        outcome: reply.outcome,
        durationMs: performance.now() - started,
        startedAt,
        error: reply.outcome === 'Y' ? undefined : reply.message,
      });
      if (reply.outcome !== 'Y') logger.warn({ globalNo, ...step, outcome: reply.outcome, reason: reply.message }, 'saga step failed');
      return reply;
    },
    record: async (trx, globalNo, step, result) => {
      recordSpan(stepSpanName(step), { startTime: result.startedAt, globalNo, attributes: { ...stepAttributes(step), 'saga.outcome': result.outcome }, error: result.outcome === 'Y' ? undefined : result.error });
      await insertStep(trx ?? db, globalNo, step, { ...result, startedAt: database.timestamp(result.startedAt) });
    },
    exists: async (trx, globalNo) => Boolean(await trx.selectFrom('SA_SAGA').select('GLOBAL_NO').where('GLOBAL_NO', '=', globalNo).executeTakeFirst()),
    compensating: async (globalNo, change, trx) => {
      const result = await (trx ?? db)
        .updateTable('SA_SAGA')
        .set({ STATE: 'COMPENSATING', UNDO: change.undo.join(','), MESSAGE: change.message.slice(0, MAX_TEXT), ATTEMPTS: 0, NEXT_TRY_AT: database.timestamp(change.nextTryAt) })
        .where('GLOBAL_NO', '=', globalNo)
        .where('STATE', '=', 'START')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    progress: async (globalNo, change, trx) => {
      const set: Record<string, unknown> = {};
      if (change.undo) set.UNDO = change.undo.join(',');
      if (change.attempts !== undefined) set.ATTEMPTS = change.attempts;
      if (change.nextTryAt !== undefined) set.NEXT_TRY_AT = change.nextTryAt && database.timestamp(change.nextTryAt);
      await (trx ?? db).updateTable('SA_SAGA').set(set).where('GLOBAL_NO', '=', globalNo).where('STATE', '=', 'COMPENSATING').execute();
    },
    summary: async (globalNo, trx) => {
      let query = (trx ?? db).selectFrom('SA_SAGA').select(READABLE).where('GLOBAL_NO', '=', globalNo);
      if (trx && database.kind === 'mariadb') query = query.forUpdate();
      const row = await query.executeTakeFirst();
      return row && summaryOf(row);
    },
    list: async (filter) => {
      let query = db.selectFrom('SA_SAGA').select(READABLE).orderBy('STARTED_AT').limit(filter.limit);
      if (filter.state) query = query.where('STATE', '=', filter.state);
      const rows: Record<string, unknown>[] = await query.execute();
      return rows.map(summaryOf);
    },
    end: async (globalNo, state, { message, trx, from, started } = {}) => {
      // Nothing awaited any more (broker mode): the reply handlers and the deadline sweeper leave it
      // alone, and the request's fields (a card number among them) are not kept past the saga.
      const set: Record<string, unknown> = { STATE: state, ENDED_AT: database.timestamp(), NEXT_TRY_AT: null, UNDO: null, AWAITING: null, REPLY_DEADLINE_AT: null, FIELDS: null, FAILURE: null };
      if (message !== undefined) set.MESSAGE = message.slice(0, MAX_TEXT);
      let query = (trx ?? db).updateTable('SA_SAGA').set(set).where('GLOBAL_NO', '=', globalNo);
      if (from) query = query.where('STATE', '=', from);
      const result = await query.executeTakeFirst();
      const changed = Number(result.numUpdatedRows) > 0;
      if (changed && onEnd) {
        const saga = started ?? (await startOf(trx ?? db, globalNo));
        if (saga) onEnd({ kind: saga.kind, mode: saga.mode, state, seconds: Math.max(0, (Date.now() - saga.at.getTime()) / 1000) });
      }
      if (changed) recordSpan(`saga ${state}`, { startTime: new Date(), globalNo, attributes: { 'saga.state': state } });
      return changed;
    },
    claim: async (globalNo, mode, change) => {
      let query = db
        .updateTable('SA_SAGA')
        .set((eb) => ({ NEXT_TRY_AT: database.timestamp(change.leaseUntil), ATTEMPTS: eb('ATTEMPTS', '+', 1) }))
        .where('GLOBAL_NO', '=', globalNo)
        .where('STATE', '=', 'COMPENSATING')
        .where('MODE', '=', mode);
      if (!change.force) query = query.where('NEXT_TRY_AT', '<=', database.timestamp());
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    overdue: async (mode, limit) => {
      const rows: { GLOBAL_NO: string }[] = await db
        .selectFrom('SA_SAGA').select('GLOBAL_NO').where('MODE', '=', mode).where('STATE', '=', 'START').where('DEADLINE_AT', '<', database.timestamp()).limit(limit).execute();
      return rows.map((r) => r.GLOBAL_NO);
    },
    due: async (mode, limit) => {
      const rows: { GLOBAL_NO: string }[] = await db
        .selectFrom('SA_SAGA').select('GLOBAL_NO').where('MODE', '=', mode).where('STATE', '=', 'COMPENSATING').where('NEXT_TRY_AT', '<=', database.timestamp())
        .orderBy('NEXT_TRY_AT').limit(limit).execute();
      return rows.map((r) => r.GLOBAL_NO);
    },
    inSagaTrace: async (globalNo, name, fn) => {
      if (!tracingOn()) return fn();
      const row = await db.selectFrom('SA_SAGA').select('TRACE_HEADERS').where('GLOBAL_NO', '=', globalNo).executeTakeFirst();
      return inSpan(name, { parent: contextFrom(parseHeaders(row?.TRACE_HEADERS), globalNo) }, fn);
    },
    find: async (globalNo) => {
      // What a saga's readers see: not its trace context (for the sweepers) nor a broker saga's working state (the request's fields).
      const saga: Record<string, unknown> | undefined = await db.selectFrom('SA_SAGA').select(READABLE).where('GLOBAL_NO', '=', globalNo).executeTakeFirst();
      if (!saga) return undefined;
      const steps: Record<string, unknown>[] = await db
        .selectFrom('SA_SAGA_STEP')
        .select(['PARTICIPANT', 'ACTION', 'ATTEMPT', 'OUTCOME', 'DURATION_MS', 'ERROR', 'STARTED_AT'])
        .where('GLOBAL_NO', '=', globalNo)
        .orderBy('SA_SAGA_STEP_NO')
        .execute();
      return { ...rowToJson(saga), steps: steps.map(rowToJson) };
    },
  };
}

/** The active trace context as stored with the saga (null when tracing is off). */
function traceHeadersText(): string | null {
  const headers = traceHeaders();
  return Object.keys(headers).length > 0 ? JSON.stringify(headers) : null;
}

function parseHeaders(text: unknown): Record<string, string> | undefined {
  try {
    return typeof text === 'string' ? (JSON.parse(text) as Record<string, string>) : undefined;
  } catch {
    return undefined;
  }
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

function summaryOf(r: Record<string, unknown>): SagaSummary {
  return {
    globalNo: String(r.GLOBAL_NO),
    saPponContNo: Number(r.SA_PPON_CONT_NO),
    kind: r.KIND as SagaKind,
    mode: r.MODE as 'api' | 'event',
    state: r.STATE as SagaState,
    message: (r.MESSAGE as string | null) ?? null,
    attempts: Number(r.ATTEMPTS ?? 0),
    nextTryAt: iso(r.NEXT_TRY_AT),
    deadlineAt: iso(r.DEADLINE_AT),
    startedAt: iso(r.STARTED_AT) as string,
    undo: (r.UNDO as string | null) ?? null,
  };
}
