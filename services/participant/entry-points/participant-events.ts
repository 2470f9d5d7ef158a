import { AppError } from '../../../lib/errors/app-error';
import { errorCatalog } from '../../../lib/errors/catalog';
import type { Delivery } from '../../../lib/events/event-bus';
import { toFieldName } from '../../platform/contracts/column-case';
import { valuesOf } from '../../platform/contracts/contract-payload';
import type { ContractWriter } from '../../platform/contracts/contract-store';
import { createSagaGuard, type SagaGuard } from '../guard/saga-guard';
import type { ServiceDeps } from '../../platform/service-deps';
import { consumerGroup, EVENT_TOPIC, replyEvent, replyOf, requestEvent, topicName, type EventName, type ReplyEvent, type RequestEvent } from '../../platform/events/saga-events';

/** A business refusal: answered `successYn: "N"`, unlike an infrastructure error, which is redelivered. */
class StepRefused extends Error {}

interface ActionContext {
  w: ContractWriter;
  event: RequestEvent;
  /** This participant's contract number named in the event (e.g. saInetaplcaContNo). */
  ownNo: number | null | undefined;
  deps: ServiceDeps;
  guard: SagaGuard;
}

export interface ParticipantAction {
  compensation: boolean;
  /** Returns this participant's contract number, or throws (AppError / refusal) for an "N". */
  run(ctx: ActionContext): Promise<number | null>;
}

/** A forward step is refused once its saga was compensated here (a tombstone by globalNo), whatever topic came first. */
export function registerAction(): ParticipantAction {
  return {
    compensation: false,
    run: async ({ w, event, deps, guard }) => {
      refuseForward(event, deps);
      const t = deps.contracts.table;
      const cross = Object.fromEntries(t.crossKeys.map((k) => [k, event.saPponContNo]));
      return guard.forward(w, event.globalNo, () => w.insert(valuesOf(event), cross, { transacNo: event.globalNo, transacSttus: 'END' }));
    },
  };
}

export function modifyAction(): ParticipantAction {
  return {
    compensation: false,
    run: async ({ w, event, ownNo, deps, guard }) => {
      refuseForward(event, deps);
      if (!ownNo) throw new StepRefused('the event names no contract to modify');
      return guard.forward(w, event.globalNo, async () => {
        await w.modify(ownNo, valuesOf(event), { transacNo: event.globalNo, transacSttus: 'END' });
        return ownNo;
      });
    },
  };
}

/**
 * Undoes the forward step of the same saga, found by globalNo (MS1 may not know our number yet).
 * Nothing done yet: a tombstone, so that the step, if it arrives later, is refused.
 */
export function compensateAction(apply: 'cancelRegistration' | 'restoreFromHistory'): ParticipantAction {
  return {
    compensation: true,
    run: async ({ w, event, guard }) => {
      const { outcome, no } = await guard.compensate(w, event.globalNo, apply);
      if (outcome === 'absent') throw new StepRefused(`contract ${no} has nothing to compensate`);
      if (outcome === 'foreign') throw new StepRefused(`contract ${no} is no longer in saga ${event.globalNo}`);
      return no;
    },
  };
}

function refuseForward(event: RequestEvent, deps: ServiceDeps) {
  if (event.compensateYn === 'Y' && deps.contracts.table.service === 'intelnet') {
    throw new StepRefused(deps.config.drillsAllowed ? errorCatalog.DRILL_FAILURE.title : errorCatalog.DRILL_NOT_ALLOWED.title);
  }
  if (deps.events.faults.failForwardStep()) throw new StepRefused('injected fault (FAULT_FAIL_RATE)');
}

/**
 * A participant's consumer (SPEC §4): each request is handled in one transaction with its
 * processed-message row and its reply in the outbox; a duplicate re-sends the stored reply and
 * changes nothing. Failures answer "N" [fix]; a failed compensation is not recorded, so MS1's
 * retry runs it again.
 */
export async function subscribeParticipant(deps: ServiceDeps, actions: Partial<Record<EventName, ParticipantAction>>): Promise<void> {
  const { config, contracts, events, database } = deps;
  const guard = createSagaGuard(database);
  const prefix = config.eventTopicPrefix;
  const ownField = toFieldName(contracts.table.key) as 'saInetaplcaContNo' | 'saIntelnetContNo';
  const topics = [...new Set(Object.keys(actions).map((name) => topicName(prefix, EVENT_TOPIC[name as EventName])))];

  const answer = async (trx: ContractWriter['trx'], reply: ReplyEvent, record: boolean) => {
    if (record) await events.processed.record(trx, reply);
    await events.outbox.add(trx, replyOf(prefix, reply));
  };
  /** The stored reply, answering this request's attempt. */
  const resend = async (trx: ContractWriter['trx'], event: RequestEvent) => {
    const done = await events.processed.find(trx, event.globalNo, event.eventName);
    if (done) await answer(trx, { ...done.reply, attempt: event.attempt }, false);
    return Boolean(done);
  };

  const handle = async (delivery: Delivery) => {
    const event = requestEvent.parse(delivery.payload);
    const action = actions[event.eventName];
    if (!action) throw new Error(`${config.name} does not handle ${event.eventName}`);
    const ownNo = event[ownField];
    const base = { globalNo: event.globalNo, eventName: event.eventName, saPponContNo: event.saPponContNo, attempt: event.attempt };
    try {
      await contracts.write(async (w) => {
        if (await resend(w.trx, event)) return;
        if (action.compensation && events.faults.failCompensation()) throw new StepRefused('injected compensation failure (FAULT_COMPENSATION_FAILURES)');
        const no = await action.run({ w, event, ownNo, deps, guard });
        await answer(w.trx, replyEvent.parse({ ...base, successYn: 'Y', message: 'success', [ownField]: no }), true);
      });
    } catch (err) {
      if (!(err instanceof StepRefused || err instanceof AppError) || (err instanceof AppError && err.status >= 500)) throw err;
      const message = err instanceof AppError ? (err.detail ?? errorCatalog[err.code].title) : err.message;
      await database.db.transaction().execute(async (trx) => {
        if (await resend(trx, event)) return;
        await answer(trx, replyEvent.parse({ ...base, successYn: 'N', message, [ownField]: ownNo ?? null }), !action.compensation);
      });
    }
    events.relay.kick();
  };
  await events.bus.subscribe(consumerGroup(config.name), topics, handle);
}
