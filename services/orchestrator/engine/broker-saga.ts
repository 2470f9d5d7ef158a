import type { Logger } from '../../../lib/http/logger';
import type { ContractStore, ContractWriter } from '../../platform/contracts/contract-store';
import { requestOf, type ReplyEvent } from '../../platform/events/saga-events';
import type { ServiceEvents } from '../../platform/events/service-events';
import type { StepReply } from '../transport/participant-client';
import { sagaEventNames } from '../../platform/events/saga-event-names';
import type { PendingSaga, PendingSagas } from '../saga-log/pending-sagas';
import type { SagaLog } from '../saga-log/saga-log';
import type { SagaMetrics } from '../saga-log/saga-metrics';
import { workflows } from '../workflows/workflows';
import type { Participant, RemoteParticipant, SagaFacts, SagaWorkflow } from '../workflows/saga-workflow';
import { compensationBackoff } from './compensation-backoff';
import { localStep } from './local-step';
import { sagaCourse } from './saga-course';

export interface BrokerSagaDeps {
  config: { eventTopicPrefix: string; sagaDeadlineMs: number; compensationBackoffMs: number; compensationBackoffMaxMs: number };
  contracts: ContractStore;
  /** The outbox: a message commits with the transition that sends it, and is published once it has. */
  events: Pick<ServiceEvents, 'outbox'>;
  pending: PendingSagas;
  sagaLog: SagaLog;
  logger: Logger;
  metrics: Pick<SagaMetrics, 'escalation'>;
}

export interface BrokerSaga {
  /** Inside MS1's first transaction: the first request, in the outbox; answers the saga row's columns that await its reply (with their deadline). */
  begin(w: ContractWriter, workflow: SagaWorkflow, facts: SagaFacts): Promise<Record<string, unknown>>;
  /** MS1's reply handler: the next move of the saga's workflow, applied only to the reply the saga awaits. */
  onReply(reply: ReplyEvent): Promise<void>;
  /** Moves on sagas whose awaited reply is past its deadline; returns how many. */
  sweep(): Promise<number>;
  /** An operator's retry: a COMPENSATING saga's compensation is sent again now (new attempt). */
  retryNow(globalNo: string): Promise<boolean>;
}

/**
 * Broker mode: the same workflows as API mode (`orchestrator/workflows/`), each step a request
 * message and its reply. The state lives in the saga's SA_SAGA row, so a restart resumes it: each
 * transition locks that row, checks that the reply is the one awaited (eventName and attempt; a
 * duplicate or late reply changes nothing), and commits MS1's row change, the saga log steps, the
 * next state and the next message (outbox) together. A reply not received by its deadline is a
 * FALLBACK: the step may still apply later, so it is compensated (by globalNo). A compensation is
 * never given up: a failed or unanswered attempt is sent again after a capped exponential backoff.
 */
export function createBrokerSaga(deps: BrokerSagaDeps): BrokerSaga {
  const { config, contracts, events, pending, sagaLog, logger, metrics } = deps;
  const courseOf = (p: PendingSaga) => sagaCourse(workflows[p.kind]);
  /** The saga, locked; MS1's contract locked with it, and the writer told so (its writes then announce the row without reading it). */
  const load = async (w: ContractWriter, globalNo: string) => {
    const p = await pending.load(w.trx, globalNo);
    if (p?.contract) w.locked(p.saPponContNo, p.contract);
    return p;
  };

  /** Puts `participant`'s step (or its compensation) in the outbox, due after `delayMs`, and makes `p` await its reply until a fresh deadline. */
  const request = async (w: ContractWriter, p: PendingSaga, participant: RemoteParticipant, compensation: boolean, attempt: number, delayMs = 0) => {
    const step = courseOf(p).stepOf(participant);
    const eventName = sagaEventNames.of(participant, compensation ? step.undo : step.action);
    const availableAt = new Date(Date.now() + delayMs);
    const ids = { saPponContNo: p.saPponContNo, saInetaplcaContNo: p.saInetaplcaContNo, saIntelnetContNo: p.saIntelnetContNo };
    await events.outbox.add(w.trx, requestOf(config.eventTopicPrefix, { ...(compensation ? {} : step.input(p)), ...ids, globalNo: p.globalNo, eventName, attempt }), availableAt);
    return Object.assign(p, { awaiting: eventName, attempt, awaitSince: availableAt, deadlineAt: new Date(availableAt.getTime() + config.sagaDeadlineMs) });
  };
  /** The request, and the saga's row saved awaiting its reply. */
  const send = async (w: ContractWriter, p: PendingSaga, participant: RemoteParticipant, compensation: boolean, attempt: number, delayMs = 0) => {
    await pending.save(w.trx, await request(w, p, participant, compensation, attempt, delayMs));
    // Operators see the attempt and when it goes out in the saga's row.
    if (compensation) await sagaLog.progress(p.globalNo, { attempts: attempt, nextTryAt: p.awaitSince }, w.trx);
  };

  const record = (w: ContractWriter, p: PendingSaga, participant: Participant, action: string, attempt: number, reply: Pick<StepReply, 'outcome' | 'message'>, since = new Date()) =>
    sagaLog.record(w.trx, p.globalNo, { participant, action, attempt }, {
      outcome: reply.outcome, durationMs: Math.max(0, Date.now() - since.getTime()), startedAt: since, error: reply.outcome === 'Y' ? undefined : reply.message,
    });

  /** END, or CANCEL once every participant confirmed its compensation: only then MS1 undoes its own first write. */
  const end = async (w: ContractWriter, p: PendingSaga, state: 'END' | 'CANCEL') => {
    if (state === 'END') await w.set(p.saPponContNo, { TRANSAC_STTUS: 'END' });
    else {
      const { local } = workflows[p.kind];
      await record(w, p, 'ppon', local.undo, 1, await localStep(local.undo, () => local.compensate(w, p)).run());
    }
    // The end clears what the saga awaited: one UPDATE.
    await sagaLog.end(p.globalNo, state, { message: p.failure ?? undefined, trx: w.trx, started: p.startedAt && { kind: p.kind, mode: 'event', at: p.startedAt } });
  };

  /** Compensates `undo` in order (MS1's own undo, always last, ends the saga CANCEL). */
  const undo = async (w: ContractWriter, p: PendingSaga, list: Participant[]) => {
    const [next] = list;
    if (next === 'ppon' || next === undefined) return end(w, p, 'CANCEL');
    return send(w, p, next, true, 1);
  };

  /** The saga's next move after the awaited reply (or its deadline: FALLBACK). */
  const transition = async (w: ContractWriter, p: PendingSaga, outcome: StepReply['outcome'], message: string, reply?: ReplyEvent) => {
    const course = courseOf(p);
    const { participant, compensation } = sagaEventNames.parse(p.awaiting);
    const step = course.stepOf(participant);
    await record(w, p, participant, compensation ? step.undo : step.action, p.attempt, { outcome, message }, p.awaitSince);
    if (compensation) {
      if (outcome !== 'Y') {
        const delayMs = compensationBackoff(p.attempt, config.compensationBackoffMs, config.compensationBackoffMaxMs);
        metrics.escalation();
        logger.error({ globalNo: p.globalNo, participant, attempts: p.attempt, retryInMs: delayMs, outcome, reason: message }, 'saga compensation incomplete; the contract stays locked and it is retried');
        return send(w, p, participant, true, p.attempt + 1, delayMs);
      }
      const rest = course.undoFrom(participant).slice(1);
      if (rest[0] !== 'ppon') await sagaLog.progress(p.globalNo, { undo: rest }, w.trx);
      return undo(w, p, rest);
    }
    if (outcome === 'Y') {
      const kept = course.remembered(step, reply ?? {}, p);
      if (kept) {
        await w.set(p.saPponContNo, { [kept.column]: kept.no });
        await record(w, p, 'ppon', `store-${participant}-no`, 1, { outcome: 'Y', message: 'success' });
      }
      const next = course.after(participant);
      return next ? send(w, p, next.participant, false, 1) : end(w, p, 'END');
    }
    p.failure = `${participant} ${step.action} failed (${outcome}): ${message}`.slice(0, 500);
    const list = course.undoAfter(participant, { outcome, message });
    // Only MS1's own write to undo (the first participant answered "N"): CANCEL now.
    if (list.length > 1) await sagaLog.compensating(p.globalNo, { undo: list, message: p.failure, nextTryAt: new Date() }, w.trx);
    return undo(w, p, list);
  };

  return {
    begin: async (w, workflow, facts) => {
      const p = { ...facts, kind: workflow.kind, failure: null } as PendingSaga;
      // The saga's row is written once, already awaiting the first reply.
      return pending.columns(await request(w, p, workflow.steps[0].participant, false, 1));
    },
    onReply: async (reply) => {
      await contracts.write(async (w) => {
        const p = await load(w, reply.globalNo);
        // A compensation is idempotent: a late success of an earlier attempt also completes it.
        const awaited = p?.awaiting === reply.eventName && (p.attempt === reply.attempt || (reply.successYn === 'Y' && reply.attempt < p.attempt));
        if (!p || !awaited) {
          logger.info({ globalNo: reply.globalNo, eventName: reply.eventName, attempt: reply.attempt }, 'duplicate or late reply ignored');
          return;
        }
        await transition(w, p, reply.successYn, reply.message, reply);
      });
    },
    sweep: async () => {
      const overdue = await pending.overdue(100);
      for (const globalNo of overdue) {
        await sagaLog.inSagaTrace(globalNo, 'saga deadline', () =>
          contracts.write(async (w) => {
            const p = await load(w, globalNo);
            // Re-checked under the lock: a reply may have moved the saga on meanwhile.
            if (!p || p.deadlineAt.getTime() >= Date.now()) return;
            await transition(w, p, 'FALLBACK', `no reply within the ${config.sagaDeadlineMs} ms deadline`);
          }),
        );
      }
      return overdue.length;
    },
    retryNow: async (globalNo) => {
      const sent = await contracts.write(async (w) => {
        const p = await load(w, globalNo);
        if (!p) return false;
        const { participant, compensation } = sagaEventNames.parse(p.awaiting);
        if (!compensation) return false;
        logger.warn({ globalNo, attempt: p.attempt + 1 }, 'compensation retried now by an operator');
        await send(w, p, participant, true, p.attempt + 1);
        return true;
      });
      return sent;
    },
  };
}
