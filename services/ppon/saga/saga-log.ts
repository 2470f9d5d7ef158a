import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../../lib/errors/app-error';
import type { Logger } from '../../../lib/http/logger';
import type { AnyDb, ServiceDatabase } from '../../shared/db/create-database';
import { isUniqueViolation } from '../../shared/db/is-unique-violation';
import { rowToJson } from '../../shared/contracts/column-case';
import type { StepReply } from '../../shared/http/participant-client';
import type { Participant, SagaKind, SagaState } from './saga-plan';

export interface StepRef {
  participant: Participant;
  action: string;
  attempt: number;
}

export interface SagaLog {
  /** Opens the saga inside MS1's first transaction, recording that first local step; a globalNo already used is a 409. */
  begin(trx: Transaction<AnyDb>, saga: { globalNo: string; saPponContNo: number; kind: SagaKind; mode: 'api' | 'event' }, first: StepRef & { startedAt: Date }): Promise<void>;
  /** Runs one step attempt, timing it and recording its outcome; a thrown error is an "N". */
  track(globalNo: string, step: StepRef, run: () => Promise<StepReply>, logger: Logger): Promise<StepReply>;
  /** Records a step that already happened (broker mode: a reply), inside the caller's transaction. */
  record(trx: Transaction<AnyDb>, globalNo: string, step: StepRef, result: { outcome: StepReply['outcome']; durationMs: number; startedAt: Date; error?: string }): Promise<void>;
  end(globalNo: string, state: Exclude<SagaState, 'START'>, message?: string, trx?: Transaction<AnyDb>): Promise<void>;
  find(globalNo: string): Promise<Record<string, unknown> | undefined>;
}

const MAX_TEXT = 500;

export function createSagaLog(database: ServiceDatabase): SagaLog {
  const { db } = database;
  const insertStep = (
    executor: Kysely<AnyDb>,
    globalNo: string,
    step: StepRef,
    result: { outcome: string; durationMs: number; startedAt: Date | string; error?: string },
  ) =>
    executor
      .insertInto('SA_SAGA_STEP')
      .values({
        GLOBAL_NO: globalNo,
        PARTICIPANT: step.participant,
        ACTION: step.action,
        ATTEMPT: step.attempt,
        OUTCOME: result.outcome,
        DURATION_MS: Math.round(result.durationMs),
        ERROR: result.error?.slice(0, MAX_TEXT) ?? null,
        STARTED_AT: result.startedAt,
      })
      .execute();

  return {
    begin: async (trx, saga, first) => {
      try {
        await trx
          .insertInto('SA_SAGA')
          .values({
            GLOBAL_NO: saga.globalNo,
            SA_PPON_CONT_NO: saga.saPponContNo,
            KIND: saga.kind,
            MODE: saga.mode,
            STATE: 'START',
            STARTED_AT: database.timestamp(first.startedAt),
          })
          .execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('CONFLICT', `A saga with globalNo ${saga.globalNo} already exists`);
        throw err;
      }
      const durationMs = Date.now() - first.startedAt.getTime();
      await insertStep(trx, saga.globalNo, first, { outcome: 'Y', durationMs, startedAt: database.timestamp(first.startedAt) });
    },
    track: async (globalNo, step, run, logger) => {
      const startedAt = database.timestamp();
      const started = performance.now();
      let reply: StepReply;
      try {
        reply = await run();
      } catch (err) {
        logger.error({ err, globalNo, ...step }, 'saga step failed in MS1');
        reply = { outcome: 'N', message: 'MS1 could not record the step', body: {} };
      }
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
      await insertStep(trx, globalNo, step, { ...result, startedAt: database.timestamp(result.startedAt) });
    },
    end: async (globalNo, state, message, trx) => {
      await (trx ?? db)
        .updateTable('SA_SAGA')
        .set({ STATE: state, MESSAGE: message?.slice(0, MAX_TEXT) ?? null, ENDED_AT: database.timestamp() })
        .where('GLOBAL_NO', '=', globalNo)
        .execute();
    },
    find: async (globalNo) => {
      const saga = await db.selectFrom('SA_SAGA').selectAll().where('GLOBAL_NO', '=', globalNo).executeTakeFirst();
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
