import type { Transaction } from 'kysely';
import type { ServiceConfig } from '../../../config/service-config';
import type { Logger } from '../../../lib/http/logger';
import type { ContractStore, ContractWriter } from '../../platform/contracts/contract-store';
import type { AnyDb, ServiceDatabase } from '../../platform/db/create-database';
import { requestOf, type EventName, type ReplyEvent } from '../../platform/events/saga-events';
import type { ServiceEvents } from '../../platform/events/service-events';
import type { StepReply } from '../transport/participant-client';
import type { Begun } from '../entry-points/begin-saga';
import { localStep } from './local-step';
import type { SagaLog } from '../saga-log/saga-log';
import { compensationBackoff } from './compensation-backoff';
import type { SagaMetrics } from '../saga-log/saga-metrics';
import type { Participant, SagaKind } from './saga-plan';

/** SPEC §4's flow per kind: MS2's step, MS3's step, MS2's compensation; action names as in API mode's log. */
const FLOW = {
  reg: {
    ms2: 'inetaplcaContCreate', ms3: 'intelnetContCreate', compensate: 'inetaplcaContCreateCompensate', compensateMs3: 'intelnetContCreateCompensate',
    forward: 'register', compensation: 'register-compensation', undo: 'register-cancel',
  },
  amd: {
    ms2: 'inetaplcaContUpdate', ms3: 'intelnetContUpdate', compensate: 'inetaplcaContUpdateCompensate', compensateMs3: 'intelnetContUpdateCompensate',
    forward: 'modify', compensation: 'modify-compensation', undo: 'modify-compensation',
  },
} as const satisfies Record<SagaKind, Record<string, string>>;

interface Pending {
  globalNo: string;
  kind: SagaKind;
  saPponContNo: number;
  saInetaplcaContNo: number | null;
  saIntelnetContNo: number | null;
  fields: Record<string, string>;
  compensateYn: 'Y' | 'N' | null;
  awaiting: EventName;
  attempt: number;
  awaitSince: Date;
  deadlineAt: Date;
  failure: string | null;
}

export interface BrokerSagaDeps {
  config: ServiceConfig;
  database: ServiceDatabase;
  contracts: ContractStore;
  events: ServiceEvents;
  sagaLog: SagaLog;
  logger: Logger;
  metrics: SagaMetrics;
}

export interface BrokerSaga {
  /** Inside MS1's first transaction: the deadline row and the first request, in the outbox. */
  begin(w: ContractWriter, kind: SagaKind, begun: Begun): Promise<void>;
  /** MS1's reply handler: SPEC §4's table, applied only to the reply the saga awaits. */
  onReply(reply: ReplyEvent): Promise<void>;
  /** Compensates sagas past their deadline; returns how many it moved on. */
  sweep(): Promise<number>;
  /** An operator's retry: a COMPENSATING saga's compensation is sent again now (new attempt). */
  retryNow(globalNo: string): Promise<boolean>;
}

/**
 * The broker-mode orchestrator. Its state lives in SA_SAGA_PENDING, so a restart resumes it: each
 * transition locks that row, checks that the reply is the one awaited (eventName and attempt; a
 * duplicate or late reply changes nothing), and commits MS1's row change, the saga log steps, the
 * next state and the next event (outbox) together.
 */
export function createBrokerSaga(deps: BrokerSagaDeps): BrokerSaga {
  const { config, database, contracts, events, sagaLog, logger, metrics } = deps;
  const { db } = database;
  const prefix = config.eventTopicPrefix;
  const isCompensation = (p: Pending) => p.awaiting === FLOW[p.kind].compensate || p.awaiting === FLOW[p.kind].compensateMs3;

  const load = async (trx: Transaction<AnyDb>, globalNo: string): Promise<Pending | undefined> => {
    let query = trx.selectFrom('SA_SAGA_PENDING').selectAll().where('GLOBAL_NO', '=', globalNo);
    if (database.kind === 'mariadb') query = query.forUpdate();
    const r = await query.executeTakeFirst();
    return (
      r && {
        globalNo: r.GLOBAL_NO, kind: r.KIND, saPponContNo: r.SA_PPON_CONT_NO, saInetaplcaContNo: r.SA_INETAPLCA_CONT_NO, saIntelnetContNo: r.SA_INTELNET_CONT_NO,
        fields: JSON.parse(r.FIELDS), compensateYn: r.COMPENSATE_YN, awaiting: r.AWAITING, attempt: r.ATTEMPT,
        awaitSince: new Date(r.AWAIT_SINCE), deadlineAt: new Date(r.DEADLINE_AT), failure: r.FAILURE,
      }
    );
  };

  /** Publishes `eventName` (after `delayMs`) and awaits its reply until a fresh deadline. */
  const send = async (w: ContractWriter, p: Pending, eventName: EventName, attempt: number, delayMs = 0) => {
    const availableAt = new Date(Date.now() + delayMs);
    const forward = eventName === FLOW[p.kind].ms2 || eventName === FLOW[p.kind].ms3;
    await events.outbox.add(
      w.trx,
      requestOf(prefix, {
        ...(forward ? p.fields : {}),
        globalNo: p.globalNo, eventName, attempt, saPponContNo: p.saPponContNo, saInetaplcaContNo: p.saInetaplcaContNo, saIntelnetContNo: p.saIntelnetContNo,
        compensateYn: forward && p.compensateYn ? p.compensateYn : undefined,
      }),
      availableAt,
    );
    await w.trx
      .updateTable('SA_SAGA_PENDING')
      .set({
        AWAITING: eventName, ATTEMPT: attempt, AWAIT_SINCE: database.timestamp(availableAt),
        DEADLINE_AT: database.timestamp(new Date(availableAt.getTime() + config.sagaDeadlineMs)), FAILURE: p.failure,
        SA_INETAPLCA_CONT_NO: p.saInetaplcaContNo, SA_INTELNET_CONT_NO: p.saIntelnetContNo,
      })
      .where('GLOBAL_NO', '=', p.globalNo)
      .execute();
    // Operators see the attempt and when it goes out in the saga's row.
    if (!forward) await sagaLog.progress(p.globalNo, { attempts: attempt, nextTryAt: availableAt }, w.trx);
  };

  /** START → COMPENSATING: visible, the contract stays locked (MS1's row stays START) until every compensation is confirmed. */
  const startCompensating = (w: ContractWriter, p: Pending, undo: string[]) =>
    sagaLog.compensating(p.globalNo, { undo, message: p.failure ?? 'compensating', nextTryAt: new Date() }, w.trx);

  const step = (w: ContractWriter, p: Pending, participant: Participant, action: string, attempt: number, reply: Pick<StepReply, 'outcome' | 'message'>, since = new Date()) =>
    sagaLog.record(w.trx, p.globalNo, { participant, action, attempt }, {
      outcome: reply.outcome, durationMs: Math.max(0, Date.now() - since.getTime()), startedAt: since, error: reply.outcome === 'Y' ? undefined : reply.message,
    });

  /** END, or CANCEL once every participant confirmed its compensation: only then MS1 undoes its own first write. */
  const end = async (w: ContractWriter, p: Pending, state: 'END' | 'CANCEL') => {
    if (state === 'END') await w.set(p.saPponContNo, { TRANSAC_STTUS: 'END' });
    else {
      const undo = FLOW[p.kind].undo;
      const apply = p.kind === 'reg' ? () => w.cancelRegistration(p.saPponContNo, p.globalNo) : () => w.restoreFromHistory(p.saPponContNo, p.globalNo);
      await step(w, p, 'ppon', undo, 1, await localStep(undo, apply).run());
    }
    await sagaLog.end(p.globalNo, state, p.failure ?? undefined, w.trx);
    await w.trx.deleteFrom('SA_SAGA_PENDING').where('GLOBAL_NO', '=', p.globalNo).execute();
  };

  const storeNo = async (w: ContractWriter, p: Pending, participant: 'inetaplca' | 'intelnet', no: number | null | undefined) => {
    const column = participant === 'inetaplca' ? 'SA_INETAPLCA_CONT_NO' : 'SA_INTELNET_CONT_NO';
    if (!no) throw new Error(`the ${participant} reply has no contract number`);
    await w.set(p.saPponContNo, { [column]: no });
    if (participant === 'inetaplca') p.saInetaplcaContNo = no;
    else p.saIntelnetContNo = no;
    await step(w, p, 'ppon', `store-${participant}-no`, 1, { outcome: 'Y', message: 'success' });
  };

  /**
   * One row of SPEC §4's table [with issue 15's changes]; a FALLBACK is the deadline passing
   * without a reply. A step that got no answer may still apply later, so it is compensated (by
   * globalNo: MS3 first if it was MS3's step, then MS2). A compensation is never given up: a failed
   * or unanswered attempt is sent again after a capped exponential backoff, with an error log line.
   */
  const transition = async (w: ContractWriter, p: Pending, outcome: StepReply['outcome'], message: string, reply?: ReplyEvent) => {
    const flow = FLOW[p.kind];
    const participant: Participant = p.awaiting === flow.ms3 || p.awaiting === flow.compensateMs3 ? 'intelnet' : 'inetaplca';
    const compensating = isCompensation(p);
    await step(w, p, participant, compensating ? flow.compensation : flow.forward, p.attempt, { outcome, message }, p.awaitSince);
    const failed = () => `${participant} ${flow.forward} failed (${outcome}): ${message}`.slice(0, 500);
    if (compensating) {
      if (outcome === 'Y') {
        if (p.awaiting === flow.compensateMs3) {
          await sagaLog.progress(p.globalNo, { undo: ['inetaplca', 'ppon'] }, w.trx);
          return send(w, p, flow.compensate, 1);
        }
        return end(w, p, 'CANCEL');
      }
      const delayMs = compensationBackoff(p.attempt, config.compensationBackoffMs, config.compensationBackoffMaxMs);
      metrics.escalation();
      logger.error({ globalNo: p.globalNo, participant, attempts: p.attempt, retryInMs: delayMs, outcome, reason: message }, 'saga compensation incomplete; the contract stays locked and it is retried');
      return send(w, p, p.awaiting, p.attempt + 1, delayMs);
    }
    if (p.awaiting === flow.ms2) {
      if (outcome === 'Y') {
        if (p.kind === 'reg') await storeNo(w, p, 'inetaplca', reply?.saInetaplcaContNo);
        return send(w, p, flow.ms3, 1);
      }
      p.failure = failed();
      // "N": MS2 wrote nothing. No reply: it may have, later; it is compensated by globalNo.
      if (outcome === 'N') return end(w, p, 'CANCEL');
      await startCompensating(w, p, ['inetaplca', 'ppon']);
      return send(w, p, flow.compensate, 1);
    }
    if (outcome === 'Y') {
      if (p.kind === 'reg') await storeNo(w, p, 'intelnet', reply?.saIntelnetContNo);
      return end(w, p, 'END');
    }
    p.failure = failed();
    if (outcome === 'N') {
      await startCompensating(w, p, ['inetaplca', 'ppon']);
      return send(w, p, flow.compensate, 1);
    }
    await startCompensating(w, p, ['intelnet', 'inetaplca', 'ppon']);
    return send(w, p, flow.compensateMs3, 1);
  };

  return {
    begin: async (w, kind, begun) => {
      const { input, before } = begun;
      const p: Pending = {
        globalNo: input.globalNo, kind, saPponContNo: input.saPponContNo,
        saInetaplcaContNo: (before?.SA_INETAPLCA_CONT_NO as number | undefined) ?? null, saIntelnetContNo: (before?.SA_INTELNET_CONT_NO as number | undefined) ?? null,
        fields: input.fields, compensateYn: input.compensateYn ?? null, awaiting: FLOW[kind].ms2, attempt: 1, awaitSince: new Date(), deadlineAt: new Date(), failure: null,
      };
      await w.trx
        .insertInto('SA_SAGA_PENDING')
        .values({
          GLOBAL_NO: p.globalNo, KIND: kind, SA_PPON_CONT_NO: p.saPponContNo, FIELDS: JSON.stringify(p.fields), COMPENSATE_YN: p.compensateYn,
          AWAITING: p.awaiting, ATTEMPT: 1, AWAIT_SINCE: database.timestamp(), DEADLINE_AT: database.timestamp(),
        })
        .execute();
      await send(w, p, FLOW[kind].ms2, 1);
    },
    onReply: async (reply) => {
      await contracts.write(async (w) => {
        const p = await load(w.trx, reply.globalNo);
        // A compensation is idempotent: a late success of an earlier attempt also completes it.
        const awaited = p?.awaiting === reply.eventName && (p.attempt === reply.attempt || (reply.successYn === 'Y' && reply.attempt < p.attempt));
        if (!p || !awaited) {
          logger.info({ globalNo: reply.globalNo, eventName: reply.eventName, attempt: reply.attempt }, 'duplicate or late reply ignored');
          return;
        }
        await transition(w, p, reply.successYn, reply.message, reply);
      });
      events.relay.kick();
    },
    sweep: async () => {
      const overdue: { GLOBAL_NO: string }[] = await db
        .selectFrom('SA_SAGA_PENDING').select('GLOBAL_NO').where('DEADLINE_AT', '<', database.timestamp()).orderBy('DEADLINE_AT').limit(100).execute();
      for (const { GLOBAL_NO } of overdue) {
        await sagaLog.inSagaTrace(GLOBAL_NO, 'saga deadline', () =>
          contracts.write(async (w) => {
            const p = await load(w.trx, GLOBAL_NO);
            // Re-checked under the lock: a reply may have moved the saga on meanwhile.
            if (!p || p.deadlineAt.getTime() >= Date.now()) return;
            await transition(w, p, 'FALLBACK', `no reply within the ${config.sagaDeadlineMs} ms deadline`);
          }),
        );
      }
      if (overdue.length > 0) events.relay.kick();
      return overdue.length;
    },
    retryNow: async (globalNo) => {
      const sent = await contracts.write(async (w) => {
        const p = await load(w.trx, globalNo);
        if (!p || !isCompensation(p)) return false;
        logger.warn({ globalNo, attempt: p.attempt + 1 }, 'compensation retried now by an operator');
        await send(w, p, p.awaiting, p.attempt + 1);
        return true;
      });
      events.relay.kick();
      return sent;
    },
  };
}
