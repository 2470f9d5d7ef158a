import { AppError } from '../../../lib/errors/app-error';
import type { ContractStore, ContractWriter } from '../../../services/platform/contracts/contract-store';
import type { OutgoingEvent } from '../../../lib/events/event-bus';
import type { PendingSaga, PendingSagas } from '../../../services/orchestrator/saga-log/pending-sagas';
import type { SagaLog, SagaSummary, StepRef } from '../../../services/orchestrator/saga-log/saga-log';
import type { SagaTransport } from '../../../services/orchestrator/transport/saga-transport';
import type { StepReply } from '../../../services/orchestrator/transport/participant-client';
import type { RemoteParticipant } from '../../../services/orchestrator/workflows/saga-workflow';

/**
 * In-memory stand-ins for what the saga engines are given (the saga log, MS1's contract rows, the
 * pending broker sagas, the outbox) and fake participants, so that a workflow can be driven in
 * milliseconds. The real implementations are tested through real processes in the other suites.
 */
export type LoggedStep = StepRef & { outcome: string };

export function memorySagaLog(): SagaLog & { sagas: Map<string, SagaSummary>; steps: Map<string, LoggedStep[]> } {
  const sagas = new Map<string, SagaSummary>();
  const steps = new Map<string, LoggedStep[]>();
  const log = (globalNo: string, step: StepRef, outcome: string) => steps.set(globalNo, [...(steps.get(globalNo) ?? []), { ...step, outcome }]);
  const now = () => Date.now();
  return {
    sagas,
    steps,
    begin: async (_trx, saga, first) => {
      // As the real log's key does.
      if (sagas.has(saga.globalNo)) throw new AppError('CONFLICT', `A saga with globalNo ${saga.globalNo} already exists`);
      sagas.set(saga.globalNo, { ...saga, state: 'START', message: null, attempts: 0, nextTryAt: null, deadlineAt: saga.deadlineAt.toISOString(), startedAt: first.startedAt.toISOString(), undo: null });
      log(saga.globalNo, first, 'Y');
    },
    exists: async (_trx, globalNo) => sagas.has(globalNo),
    compensating: async (globalNo, change) => {
      const saga = sagas.get(globalNo);
      if (saga?.state !== 'START') return false;
      Object.assign(saga, { state: 'COMPENSATING', undo: change.undo.join(','), message: change.message, attempts: 0, nextTryAt: change.nextTryAt.toISOString() });
      return true;
    },
    progress: async (globalNo, change) => {
      const saga = sagas.get(globalNo);
      if (saga?.state !== 'COMPENSATING') return;
      if (change.undo) saga.undo = change.undo.join(',');
      if (change.attempts !== undefined) saga.attempts = change.attempts;
      if (change.nextTryAt !== undefined) saga.nextTryAt = change.nextTryAt?.toISOString() ?? null;
    },
    summary: async (globalNo) => (sagas.has(globalNo) ? { ...(sagas.get(globalNo) as SagaSummary) } : undefined),
    list: async ({ state, limit }) => [...sagas.values()].filter((s) => !state || s.state === state).slice(0, limit),
    track: async (globalNo, step, run) => {
      let reply: StepReply;
      try {
        reply = await run();
      } catch {
        reply = { outcome: 'N', message: 'MS1 could not record the step', body: {} };
      }
      log(globalNo, step, reply.outcome);
      return reply;
    },
    record: async (_trx, globalNo, step, result) => void log(globalNo, step, result.outcome),
    end: async (globalNo, state, { message, from } = {}) => {
      const saga = sagas.get(globalNo);
      if (!saga || (from && saga.state !== from)) return false;
      Object.assign(saga, { state, undo: null, nextTryAt: null }, message === undefined ? {} : { message });
      return true;
    },
    find: async (globalNo) => (sagas.has(globalNo) ? { ...sagas.get(globalNo) } : undefined),
    inSagaTrace: (_globalNo, _name, fn) => fn(),
    claim: async (globalNo, mode, { leaseUntil, force }) => {
      const saga = sagas.get(globalNo);
      if (saga?.state !== 'COMPENSATING' || saga.mode !== mode) return false;
      if (!force && saga.nextTryAt && Date.parse(saga.nextTryAt) > now()) return false;
      Object.assign(saga, { attempts: saga.attempts + 1, nextTryAt: leaseUntil.toISOString() });
      return true;
    },
    overdue: async (mode) => [...sagas.values()].filter((s) => s.mode === mode && s.state === 'START' && Date.parse(s.deadlineAt as string) < now()).map((s) => s.globalNo),
    due: async (mode) => [...sagas.values()].filter((s) => s.mode === mode && s.state === 'COMPENSATING' && Date.parse(s.nextTryAt as string) <= now()).map((s) => s.globalNo),
  };
}

export type MemoryRow = Record<string, string | number | null>;

/** MS1's rows: insert and modify as START, the two undos as the real store answers them. */
export function memoryContracts(): ContractStore & { rows: Map<number, MemoryRow> } {
  const rows = new Map<number, MemoryRow>();
  const history = new Map<number, MemoryRow>();
  const writer: ContractWriter = {
    trx: {} as ContractWriter['trx'],
    insert: async (values, _cross, meta) => {
      const no = rows.size + 1;
      rows.set(no, { ...values, SA_PPON_CONT_NO: no, TRANSAC_NO: meta.transacNo, TRANSAC_STTUS: meta.transacSttus, SA_INETAPLCA_CONT_NO: null, SA_INTELNET_CONT_NO: null });
      return no;
    },
    modify: async (no, values, meta) => {
      const before = { ...(rows.get(no) as MemoryRow) };
      history.set(no, before);
      rows.set(no, { ...before, ...values, TRANSAC_NO: meta.transacNo, TRANSAC_STTUS: meta.transacSttus });
      return { before, historyNo: 1 };
    },
    set: async (no, values) => void Object.assign(rows.get(no) as MemoryRow, values),
    cancelRegistration: async (no, transacNo) => {
      const row = rows.get(no);
      if (!row) return 'absent';
      if (row.TRANSAC_NO !== transacNo) return 'foreign';
      row.TRANSAC_STTUS = 'CANCEL';
      return 'done';
    },
    restoreFromHistory: async (no, transacNo) => {
      const row = rows.get(no);
      if (!row || !history.has(no)) return 'absent';
      if (row.TRANSAC_NO !== transacNo) return row.TRANSAC_STTUS === 'CANCEL' ? 'done' : 'foreign';
      rows.set(no, { ...(history.get(no) as MemoryRow), TRANSAC_NO: transacNo, TRANSAC_STTUS: 'CANCEL' });
      return 'done';
    },
    // Nothing is announced here: nothing to derive.
    locked: () => undefined,
  };
  return { rows, table: {} as ContractStore['table'], write: async (work) => {
    // One transaction: what a throwing `work` wrote is rolled back.
    const before = new Map([...rows].map(([no, row]) => [no, { ...row }]));
    try {
      return await work(writer);
    } catch (err) {
      rows.clear();
      before.forEach((row, no) => rows.set(no, row));
      throw err;
    }
  }, find: async (no) => rows.get(no), findCached: async () => undefined, list: async () => ({ items: [], total: 0 }), history: async () => [] };
}

/** The broker sagas' awaited replies, as the real store keeps them in the saga's row: gone from view once the saga log says it ended. */
export function memoryPendingSagas(sagaLog: ReturnType<typeof memorySagaLog>): PendingSagas & { readonly rows: Map<string, PendingSaga> } {
  const all = new Map<string, PendingSaga>();
  const ended = (globalNo: string) => ['END', 'CANCEL'].includes(sagaLog.sagas.get(globalNo)?.state ?? '');
  const open = () => new Map([...all].filter(([globalNo]) => !ended(globalNo)));
  return {
    get rows() {
      return open();
    },
    columns: (saga) => {
      all.set(saga.globalNo, { ...saga });
      return {};
    },
    load: async (_trx, globalNo) => (open().has(globalNo) ? { ...(all.get(globalNo) as PendingSaga), contract: undefined } : undefined),
    save: async (_trx, saga) => void all.set(saga.globalNo, { ...saga }),
    overdue: async () => [...open().values()].filter((p) => p.deadlineAt.getTime() < Date.now()).map((p) => p.globalNo),
  };
}

/** The outbox as a list of the messages MS1 sent. */
export function memoryOutbox(): { sent: OutgoingEvent[]; outbox: { add(trx: unknown, event: OutgoingEvent): Promise<void> } } {
  const sent: OutgoingEvent[] = [];
  return { sent, outbox: { add: async (_trx, event) => void sent.push(event) } };
}

/** What a fake participant does with one call: answer, refuse, or let the caller wait in vain. */
export type Behaviour = 'ok' | 'N' | 'timeout-applied' | 'timeout' | 'refused';
export type Call = { participant: RemoteParticipant; action: string; globalNo: string; payload: Record<string, unknown> };

/**
 * MS2 and MS3 as the saga sees them, with the guard's rules: by globalNo, a step applies once, a
 * compensation undoes it (or leaves a tombstone that refuses the late step). `script` says what
 * each call does, in order of arrival (default "ok").
 */
export function fakeParticipants(script: (call: Call, nth: number) => Behaviour = () => 'ok') {
  const state = { inetaplca: new Map<string, 'APPLIED' | 'COMPENSATED'>(), intelnet: new Map<string, 'APPLIED' | 'COMPENSATED'>() };
  const calls: Call[] = [];
  const numbers = { inetaplca: 100, intelnet: 200 };
  const handle = (call: Call): StepReply => {
    calls.push(call);
    const behaviour = script(call, calls.filter((c) => c.participant === call.participant && c.action === call.action).length);
    const own = state[call.participant];
    const apply = () => {
      if (call.action.endsWith('compensation')) own.set(call.globalNo, 'COMPENSATED');
      else if (!own.has(call.globalNo)) own.set(call.globalNo, 'APPLIED');
    };
    const no = { [call.participant === 'inetaplca' ? 'saInetaplcaContNo' : 'saIntelnetContNo']: numbers[call.participant] };
    if (behaviour === 'refused') return { outcome: 'FALLBACK', message: 'connection refused', body: {} };
    if (behaviour === 'timeout') return { outcome: 'FALLBACK', message: 'no answer within 50 ms', body: {} };
    if (behaviour === 'N') return { outcome: 'N', message: 'refused by the script', body: {} };
    if (!call.action.endsWith('compensation') && own.get(call.globalNo) === 'COMPENSATED') return { outcome: 'N', message: 'already compensated here', body: {} };
    apply();
    if (behaviour === 'timeout-applied') return { outcome: 'FALLBACK', message: 'no answer within 50 ms', body: {} };
    return { outcome: 'Y', message: 'success', body: no };
  };
  const transport: SagaTransport = { call: async (participant, action, globalNo, payload) => handle({ participant, action, globalNo, payload }) };
  /** Whether every participant agrees with `state`: END → applied everywhere, CANCEL → applied nowhere. */
  const agreeWith = (globalNo: string, terminal: 'END' | 'CANCEL') =>
    (['inetaplca', 'intelnet'] as const).every((p) => (state[p].get(globalNo) === 'APPLIED') === (terminal === 'END'));
  return { state, calls, handle, transport, agreeWith };
}
