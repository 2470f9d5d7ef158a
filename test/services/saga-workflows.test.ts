import type { Request } from 'express';
import { createLogger } from '../../lib/http/logger';
import { beginSaga } from '../../services/orchestrator/entry-points/begin-saga';
import { createBrokerSaga } from '../../services/orchestrator/engine/broker-saga';
import { createCompensator } from '../../services/orchestrator/engine/compensator';
import { runSaga } from '../../services/orchestrator/engine/run-saga';
import type { ReplyEvent, RequestEvent } from '../../services/platform/events/saga-events';
import { modifyWorkflow } from '../../services/orchestrator/workflows/modify-workflow';
import { registerWorkflow } from '../../services/orchestrator/workflows/register-workflow';
import type { SagaFacts, SagaWorkflow } from '../../services/orchestrator/workflows/saga-workflow';
import { fakeParticipants, memoryContracts, memoryOutbox, memoryPendingSagas, memorySagaLog, type Behaviour, type Call } from './support/memory-saga';

/**
 * The two workflows (orchestrator/workflows/) driven by both engines with fake participants and
 * in-memory stores: no Redis, no database, no HTTP. Every step failing, every compensation
 * failing, timeouts and duplicates, each ending in END or CANCEL with the participants agreeing.
 */
const logger = createLogger({ name: 'saga-workflows', level: 'silent' });
const config = { compensationBackoffMs: 1, compensationBackoffMaxMs: 2, participantTimeoutMs: 50, eventTopicPrefix: 't.', sagaDeadlineMs: 20 };
const WORKFLOWS: [string, SagaWorkflow][] = [['register', registerWorkflow], ['modify', modifyWorkflow]];
let serial = 0;

/** MS1's first write through the workflow's own local step, as begin-saga does it; answers the facts the engines carry. */
async function begin(workflow: SagaWorkflow, contracts: ReturnType<typeof memoryContracts>, sagaLog: ReturnType<typeof memorySagaLog>, mode: 'api' | 'event'): Promise<SagaFacts> {
  const globalNo = `g-${++serial}`;
  let existing: number | undefined;
  if (workflow.kind === 'amd') {
    existing = await contracts.write((w) => w.insert({ CONTR: 'before' }, {}, { transacNo: `old-${globalNo}`, transacSttus: 'END' }));
    await contracts.write((w) => w.set(existing as number, { SA_INETAPLCA_CONT_NO: 100, SA_INTELNET_CONT_NO: 200 }));
  }
  return contracts.write(async (w) => {
    const { saPponContNo, before } = await workflow.local.apply(w, { values: { CONTR: 'after' }, meta: { transacNo: globalNo, transacSttus: 'START' }, saPponContNo: existing });
    await sagaLog.begin(w.trx, { globalNo, saPponContNo, kind: workflow.kind, mode, deadlineAt: new Date(Date.now() + 60_000) }, { participant: 'ppon', action: workflow.local.action, attempt: 1, startedAt: new Date() });
    return { globalNo, saPponContNo, fields: { contr: 'after' }, saInetaplcaContNo: (before?.SA_INETAPLCA_CONT_NO as number) ?? null, saIntelnetContNo: (before?.SA_INTELNET_CONT_NO as number) ?? null };
  });
}

function apiMode(script?: (call: Call, nth: number) => Behaviour, retries = 2) {
  const sagaLog = memorySagaLog();
  const contracts = memoryContracts();
  const fakes = fakeParticipants(script);
  const escalations = { count: 0 };
  const compensator = createCompensator({ contracts, participants: fakes.transport, sagaLog, logger, metrics: { escalation: () => void escalations.count++ }, config });
  const run = async (workflow: SagaWorkflow) => {
    const facts = await begin(workflow, contracts, sagaLog, 'api');
    const outcome = await runSaga(workflow, facts, { log: sagaLog, contracts, participants: fakes.transport, compensator, retries, logger });
    return { facts, outcome, row: contracts.rows.get(facts.saPponContNo), steps: (sagaLog.steps.get(facts.globalNo) ?? []).map((s) => `${s.participant} ${s.action} ${s.outcome}`) };
  };
  return { sagaLog, contracts, fakes, compensator, escalations, run };
}

describe.each(WORKFLOWS)('the %s workflow in API mode', (_name, workflow) => {
  const [first, last] = workflow.steps;

  test('every step applies: END, MS1 keeps the numbers it is answered, each step gets what the workflow gives it', async () => {
    const api = apiMode();
    const { outcome, row, facts } = await api.run(workflow);
    expect(outcome).toEqual({ state: 'END' });
    expect(row?.TRANSAC_STTUS).toBe('END');
    expect(api.fakes.agreeWith(facts.globalNo, 'END')).toBe(true);
    expect(row).toMatchObject({ SA_INETAPLCA_CONT_NO: 100, SA_INTELNET_CONT_NO: 200 });
    expect(api.fakes.calls.map((c) => `${c.participant} ${c.action}`)).toEqual([`inetaplca ${first.action}`, `intelnet ${last.action}`]);
    expect(api.fakes.calls[1].payload).toMatchObject({ contr: 'after', saPponContNo: facts.saPponContNo, [workflow.kind === 'reg' ? 'saInetaplcaContNo' : 'saIntelnetContNo']: workflow.kind === 'reg' ? 100 : 200 });
  });

  test.each(workflow.steps.map((s, i) => [s.participant, i] as const))('%s refuses ("N"): the steps before it are undone in reverse, MS1 last, CANCEL', async (participant, index) => {
    const api = apiMode((call) => (call.participant === participant && call.action === workflow.steps[index].action ? 'N' : 'ok'));
    const { outcome, row, facts, steps } = await api.run(workflow);
    expect(outcome.state).toBe('CANCEL');
    expect(outcome.failedStep).toMatchObject({ participant, outcome: 'N' });
    expect(row?.TRANSAC_STTUS).toBe('CANCEL');
    expect(api.fakes.agreeWith(facts.globalNo, 'CANCEL')).toBe(true);
    const undone = api.fakes.calls.filter((c) => c.action.endsWith('compensation')).map((c) => c.participant);
    expect(undone).toEqual(workflow.steps.slice(0, index).map((s) => s.participant).reverse());
    expect(steps.at(-1)).toBe(`ppon ${workflow.local.undo} Y`);
  });

  test.each(workflow.steps.map((s) => [s.participant] as const))('%s times out but applies later: it is compensated too (by globalNo), CANCEL', async (participant) => {
    const api = apiMode((call) => (call.participant === participant && !call.action.endsWith('compensation') ? 'timeout-applied' : 'ok'));
    const { outcome, facts } = await api.run(workflow);
    expect(outcome.state).toBe('CANCEL');
    expect(api.fakes.state[participant].get(facts.globalNo)).toBe('COMPENSATED');
    expect(api.fakes.agreeWith(facts.globalNo, 'CANCEL')).toBe(true);
  });

  test('a refused connection never reached the participant: it is not compensated', async () => {
    const api = apiMode((call) => (call.participant === last.participant && call.action === last.action ? 'refused' : 'ok'));
    const { outcome } = await api.run(workflow);
    expect(outcome.state).toBe('CANCEL');
    expect(api.fakes.calls.filter((c) => c.action.endsWith('compensation')).map((c) => c.participant)).toEqual([first.participant]);
  });

  test.each(workflow.steps.flatMap((s) => (['N', 'timeout'] as const).map((how) => [s.participant, how] as const)))("%s's compensation fails (%s): COMPENSATING (contract locked, counted), then a later attempt ends CANCEL", async (participant, how) => {
    // MS3's step times out, so both participants are compensated; the one under test fails twice.
    const api = apiMode((call, nth) => {
      if (call.participant === last.participant && call.action === last.action) return 'timeout-applied';
      return call.participant === participant && call.action.endsWith('compensation') && nth <= 2 ? how : 'ok';
    }, 1);
    const { outcome, row, facts } = await api.run(workflow);
    expect(outcome.state).toBe('COMPENSATING');
    expect(row?.TRANSAC_STTUS).toBe('START');
    expect(api.escalations.count).toBe(2);
    const saga = await api.sagaLog.summary(facts.globalNo);
    expect(saga?.undo?.split(',')).toContain(participant);
    expect(await api.compensator.attempt(facts.globalNo, { force: true })).toBe('CANCEL');
    expect(api.contracts.rows.get(facts.saPponContNo)?.TRANSAC_STTUS).toBe('CANCEL');
    expect(api.fakes.agreeWith(facts.globalNo, 'CANCEL')).toBe(true);
  });

  test("MS1's own undo is last and only once every participant confirmed", async () => {
    const api = apiMode((call) => (call.participant === last.participant && call.action === last.action ? 'N' : 'ok'));
    const { steps } = await api.run(workflow);
    expect(steps.indexOf(`ppon ${workflow.local.undo} Y`)).toBeGreaterThan(steps.indexOf(`inetaplca ${first.undo} Y`));
  });

  test('the same x-global-no twice: 409 CONFLICT, and nothing is written the second time', async () => {
    const api = apiMode();
    const existing = workflow.kind === 'amd' ? await api.contracts.write((w) => w.insert({ CONTR: 'before' }, {}, { transacNo: 'old', transacSttus: 'END' })) : undefined;
    const req = { globalNo: `dup-${++serial}`, body: { pponContPayload: { contr: 'after', saPponContNo: existing } } } as unknown as Request;
    const deps = { contracts: api.contracts, sagaLog: api.sagaLog, deadlineMs: 60_000 };
    await beginSaga(deps, req, workflow, 'api');
    const rows = api.contracts.rows.size;
    await expect(beginSaga(deps, req, workflow, 'api')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(api.contracts.rows.size).toBe(rows);
    expect(api.sagaLog.steps.get(req.globalNo)).toHaveLength(1);
  });

  test('MS1 stalled past the deadline: the sweeper undoes every step (by globalNo) and ends CANCEL', async () => {
    const api = apiMode();
    const facts = await begin(workflow, api.contracts, api.sagaLog, 'api');
    await api.fakes.transport.call(first.participant, first.action, facts.globalNo, {}); // MS2 applied, then MS1 died
    (api.sagaLog.sagas.get(facts.globalNo) as { deadlineAt: string }).deadlineAt = new Date(Date.now() - 1).toISOString();
    expect(await api.compensator.sweep()).toBe(2);
    expect((await api.sagaLog.summary(facts.globalNo))?.state).toBe('CANCEL');
    expect(api.fakes.calls.slice(1).map((c) => `${c.participant} ${c.action}`)).toEqual([`intelnet ${last.undo}`, `inetaplca ${first.undo}`]);
    expect(api.fakes.agreeWith(facts.globalNo, 'CANCEL')).toBe(true);
  });
});

/** Broker mode: MS1's outbox, a bus that delivers (optionally twice), participants that reply with the request's attempt. */
function brokerMode(script?: (call: Call, nth: number) => Behaviour, options: { twice?: boolean } = {}) {
  const sagaLog = memorySagaLog();
  const contracts = memoryContracts();
  const pending = memoryPendingSagas(sagaLog);
  const bus = memoryOutbox();
  const fakes = fakeParticipants(script);
  const escalations = { count: 0 };
  const saga = createBrokerSaga({ config, contracts, events: bus, pending, sagaLog, logger, metrics: { escalation: () => void escalations.count++ } });
  const ACTIONS: Record<string, string> = { Create: 'register', Update: 'modify', CreateCompensate: 'register-compensation', UpdateCompensate: 'modify-compensation' };
  /** Delivers every message sent so far (and those they cause) until the bus is quiet; a "timeout" reply is never sent. */
  let delivered = 0;
  const settle = async () => {
    for (let i = delivered; i < bus.sent.length; i = ++delivered) {
      const request = bus.sent[i].payload as RequestEvent;
      const [, participant, verb] = /^(inetaplca|intelnet)Cont(.*)$/.exec(request.eventName) as RegExpExecArray;
      for (let copy = 0; copy < (options.twice ? 2 : 1); copy++) {
        const answer = copy === 0 ? fakes.handle({ participant: participant as 'inetaplca', action: ACTIONS[verb], globalNo: request.globalNo, payload: request }) : undefined;
        const stored = (answer ?? (bus.sent[i] as { reply?: ReplyEvent }).reply) as ReplyEvent | { outcome: string; message: string; body: Record<string, unknown> } | undefined;
        if (!stored || ('outcome' in stored && stored.outcome === 'FALLBACK')) break;
        const reply: ReplyEvent = 'outcome' in stored
          ? { globalNo: request.globalNo, eventName: request.eventName, successYn: stored.outcome as 'Y' | 'N', message: stored.message, saPponContNo: request.saPponContNo, attempt: request.attempt, ...stored.body }
          : stored;
        (bus.sent[i] as { reply?: ReplyEvent }).reply = reply;
        await saga.onReply(reply);
      }
    }
  };
  const run = async (workflow: SagaWorkflow) => {
    const facts = await begin(workflow, contracts, sagaLog, 'event');
    await contracts.write((w) => saga.begin(w, workflow, facts));
    await settle();
    return facts;
  };
  /** The deadline passes: the sweeper moves every overdue saga on, and the bus delivers what follows. */
  const deadlinePasses = async () => {
    for (const p of pending.rows.values()) p.deadlineAt = new Date(Date.now() - 1);
    const moved = await saga.sweep();
    await settle();
    return moved;
  };
  const stateOf = async (globalNo: string) => (await sagaLog.summary(globalNo))?.state;
  return { sagaLog, contracts, pending, bus, fakes, escalations, saga, run, settle, deadlinePasses, stateOf };
}

describe.each(WORKFLOWS)('the %s workflow in broker mode', (_name, workflow) => {
  const [first, last] = workflow.steps;

  test('every step applies: END, the pending row is gone, the messages carry what the workflow gives each step', async () => {
    const broker = brokerMode();
    const facts = await broker.run(workflow);
    expect(await broker.stateOf(facts.globalNo)).toBe('END');
    expect(broker.contracts.rows.get(facts.saPponContNo)).toMatchObject({ TRANSAC_STTUS: 'END', SA_INETAPLCA_CONT_NO: 100, SA_INTELNET_CONT_NO: 200 });
    expect(broker.pending.rows.size).toBe(0);
    expect(broker.bus.sent.map((e) => (e.payload as RequestEvent).eventName)).toHaveLength(2);
    expect(broker.bus.sent.every((e) => e.key === String(facts.saPponContNo))).toBe(true);
    expect(broker.fakes.agreeWith(facts.globalNo, 'END')).toBe(true);
  });

  test.each(workflow.steps.map((s, i) => [s.participant, i] as const))('%s answers "N": the steps before it are compensated, MS1 last, CANCEL', async (participant, index) => {
    const broker = brokerMode((call) => (call.participant === participant && call.action === workflow.steps[index].action ? 'N' : 'ok'));
    const facts = await broker.run(workflow);
    expect(await broker.stateOf(facts.globalNo)).toBe('CANCEL');
    expect(broker.contracts.rows.get(facts.saPponContNo)?.TRANSAC_STTUS).toBe('CANCEL');
    expect(broker.fakes.calls.filter((c) => c.action.endsWith('compensation')).map((c) => c.participant)).toEqual(workflow.steps.slice(0, index).map((s) => s.participant).reverse());
    expect(broker.fakes.agreeWith(facts.globalNo, 'CANCEL')).toBe(true);
  });

  test.each(workflow.steps.map((s) => [s.participant] as const))('no reply from %s by the deadline: it is compensated too, CANCEL', async (participant) => {
    const broker = brokerMode((call) => (call.participant === participant && !call.action.endsWith('compensation') ? 'timeout-applied' : 'ok'));
    const facts = await broker.run(workflow);
    expect(await broker.stateOf(facts.globalNo)).toBe('START');
    expect(await broker.deadlinePasses()).toBe(1);
    expect(await broker.stateOf(facts.globalNo)).toBe('CANCEL');
    expect(broker.fakes.state[participant].get(facts.globalNo)).toBe('COMPENSATED');
    expect(broker.fakes.agreeWith(facts.globalNo, 'CANCEL')).toBe(true);
  });

  test.each(workflow.steps.map((s) => [s.participant] as const))("%s's compensation fails twice: sent again as attempts 2 and 3, then CANCEL", async (participant) => {
    const broker = brokerMode((call, nth) => {
      if (call.participant === last.participant && call.action === last.action) return 'timeout-applied';
      return call.participant === participant && call.action.endsWith('compensation') && nth <= 2 ? 'N' : 'ok';
    });
    const facts = await broker.run(workflow);
    await broker.deadlinePasses();
    expect(await broker.stateOf(facts.globalNo)).toBe('CANCEL');
    expect(broker.escalations.count).toBe(2);
    const attempts = broker.bus.sent.map((e) => e.payload as RequestEvent).filter((r) => r.eventName.startsWith(participant) && r.eventName.endsWith('Compensate')).map((r) => r.attempt);
    expect(attempts).toEqual([1, 2, 3]);
    expect(broker.fakes.agreeWith(facts.globalNo, 'CANCEL')).toBe(true);
  });

  test('a compensation with no reply is sent again after its deadline, never given up', async () => {
    let silent = 3;
    const broker = brokerMode((call) => {
      if (call.participant === last.participant && call.action === last.action) return 'N';
      return call.action.endsWith('compensation') && silent-- > 0 ? 'timeout' : 'ok';
    });
    const facts = await broker.run(workflow);
    for (let i = 0; i < 3; i++) {
      expect(await broker.stateOf(facts.globalNo)).toBe('COMPENSATING');
      await broker.deadlinePasses();
    }
    expect(await broker.stateOf(facts.globalNo)).toBe('CANCEL');
    expect(broker.fakes.calls.filter((c) => c.participant === first.participant && c.action === first.undo)).toHaveLength(4);
  });

  test('every message and every reply delivered twice: the same outcome, each step applied once', async () => {
    for (const failing of [undefined, last.participant]) {
      const broker = brokerMode((call) => (call.participant === failing && call.action === last.action ? 'N' : 'ok'), { twice: true });
      const facts = await broker.run(workflow);
      expect(await broker.stateOf(facts.globalNo)).toBe(failing ? 'CANCEL' : 'END');
      const forward = broker.sagaLog.steps.get(facts.globalNo)?.filter((s) => s.participant !== 'ppon' && !s.action.endsWith('compensation'));
      expect(forward?.map((s) => s.participant)).toEqual(['inetaplca', 'intelnet']);
    }
  });

  test('a late reply to an earlier attempt changes nothing, unless it is a compensation that succeeded', async () => {
    const broker = brokerMode((call, nth) => (call.participant === last.participant && call.action === last.action ? 'N' : call.action.endsWith('compensation') && nth === 1 ? 'N' : 'ok'));
    const facts = await broker.run(workflow);
    expect(await broker.stateOf(facts.globalNo)).toBe('CANCEL');
    const before = broker.sagaLog.steps.get(facts.globalNo)?.length;
    await broker.saga.onReply({ globalNo: facts.globalNo, eventName: broker.bus.sent[0].payload.eventName as RequestEvent['eventName'], successYn: 'Y', message: '', saPponContNo: facts.saPponContNo, attempt: 1 });
    expect(broker.sagaLog.steps.get(facts.globalNo)?.length).toBe(before);
  });
});
