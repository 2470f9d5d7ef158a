import { AppError } from '../../../lib/errors/app-error';
import { errorCatalog } from '../../../lib/errors/catalog';
import type { Delivery } from '../../../lib/events/event-bus';
import { toFieldName } from '../../platform/contracts/column-case';
import { isUniqueViolation } from '../../platform/db/is-unique-violation';
import { valuesOf } from '../../platform/contracts/contract-payload';
import type { ContractWriter } from '../../platform/contracts/contract-store';
import type { ParticipantSteps } from '../domain/participant-steps';
import { sagaEventNames, type SagaParticipantName } from '../../platform/events/saga-event-names';
import type { ServiceDeps } from '../../platform/service-deps';
import { consumerGroup, EVENT_TOPIC, replyEvent, replyOf, requestEvent, topicName, type EventName, type ReplyEvent, type RequestEvent } from '../../platform/events/saga-events';

/** A business refusal: answered `successYn: "N"`, unlike an infrastructure error, which is redelivered. */
class StepRefused extends Error {}

const ACTIONS = ['register', 'modify', 'register-compensation', 'modify-compensation'] as const;

/**
 * A participant's consumer (docs/source-design.md#saga-broker-mode): each request is handled in one transaction with its
 * processed-message row and its reply in the outbox; a duplicate re-sends the stored reply and
 * changes nothing (its own transaction rolls back on the row's key). Failures answer "N" [fix];
 * a failed compensation is not recorded, so MS1's retry runs it again.
 */
export async function subscribeParticipant(deps: ServiceDeps, steps: ParticipantSteps): Promise<void> {
  const { config, contracts, events, database } = deps;
  const prefix = config.eventTopicPrefix;
  const service = config.name as SagaParticipantName;
  const ownField = toFieldName(contracts.table.key) as 'saInetaplcaContNo' | 'saIntelnetContNo';
  const handled = new Set<EventName>(ACTIONS.map((action) => sagaEventNames.of(service, action)));
  const topics = [...new Set([...handled].map((name) => topicName(prefix, EVENT_TOPIC[name])))];

  /** The step the event asks for, through the same apply and compensate as the HTTP routes. */
  const run = async (w: ContractWriter, event: RequestEvent, compensation: boolean): Promise<number | null> => {
    const { action } = sagaEventNames.parse(event.eventName);
    const base = action.startsWith('register') ? 'register' : 'modify';
    if (compensation) {
      const { outcome, no } = await steps.compensate(w, { action: base, globalNo: event.globalNo });
      if (outcome === 'absent') throw new StepRefused(`contract ${no} has nothing to compensate`);
      if (outcome === 'foreign') throw new StepRefused(`contract ${no} is no longer in saga ${event.globalNo}`);
      return no;
    }
    if (!steps.isDrill(event.compensateYn) && events.faults.failForwardStep()) throw new StepRefused('injected fault (FAULT_FAIL_RATE)');
    return steps.apply(w, { action: base, globalNo: event.globalNo, values: valuesOf(event), saPponContNo: event.saPponContNo, ownNo: event[ownField], compensateYn: event.compensateYn });
  };

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
    if (!handled.has(event.eventName)) throw new Error(`${config.name} does not handle ${event.eventName}`);
    const { compensation } = sagaEventNames.parse(event.eventName);
    const ownNo = event[ownField];
    const base = { globalNo: event.globalNo, eventName: event.eventName, saPponContNo: event.saPponContNo, attempt: event.attempt };
    try {
      // No read first: the processed-message row goes in with the reply, and a repeat's insert fails
      // on its key (after the first has committed), which rolls back whatever the repeat did.
      await contracts.write(async (w) => {
        if (compensation && events.faults.failCompensation()) throw new StepRefused('injected compensation failure (FAULT_COMPENSATION_FAILURES)');
        const no = await run(w, event, compensation);
        await answer(w.trx, replyEvent.parse({ ...base, successYn: 'Y', message: 'success', [ownField]: no }), true);
      });
    } catch (err) {
      const repeat = isUniqueViolation(err);
      if (!repeat && (!(err instanceof StepRefused || err instanceof AppError) || (err instanceof AppError && err.status >= 500))) throw err;
      await database.transaction(async (trx) => {
        // A repeat (or a refusal of one): the stored reply answers it.
        if (await resend(trx, event)) return;
        if (repeat) throw err; // a key of another table: redelivered
        const message = err instanceof AppError ? (err.detail ?? errorCatalog[err.code].title) : (err as Error).message;
        await answer(trx, replyEvent.parse({ ...base, successYn: 'N', message, [ownField]: ownNo ?? null }), !compensation);
      });
    }
  };
  await events.bus.subscribe(consumerGroup(config.name), topics, handle);
}
