import request from 'supertest';
import { auth } from './service-harness';
import { validContract } from '../../support/valid-contract';
/** Anything with a base URL: an in-process RunningService or a child process. */
export type Reachable = { url: string };

let counter = 0;
/** A well-formed, unique x-global-no (8–64 of [A-Za-z0-9._-]). */
export const newGlobalNo = (label: string) => `${label}-${Date.now().toString(36)}-${++counter}`;

/** The audit columns are the caller's (the harness user `ops`, from its token), whatever the body says. */
export const ORIGINAL = { contr: 'Kim Minsu', payr: 'Kim Minsu', svcNo: '02-555-0100', cardNo: '9410111111111118', mkerId: 'ops', mkerNm: 'Ops Desk' };

/** A registration: what the payload leaves out of a valid contract (docs/contracts.md) is filled in. */
export function register(ppon: Reachable, payload: Record<string, unknown> = ORIGINAL, globalNo = newGlobalNo('reg')) {
  return request(ppon.url).post('/cont/regSagaApi').set(auth()).set('x-global-no', globalNo).send({ pponContPayload: validContract(payload) });
}

export function modify(ppon: Reachable, payload: Record<string, unknown>, globalNo = newGlobalNo('amd')) {
  return request(ppon.url).post('/cont/amdSagaApi').set(auth()).set('x-global-no', globalNo).send({ pponContPayload: payload });
}

/** A contract as its service's query API shows it. */
export async function contractOf(service: Reachable, no: number): Promise<Record<string, unknown>> {
  const res = await request(service.url).get(`/cont/${no}`).set(auth()).expect(200);
  return res.body as Record<string, unknown>;
}

export async function historyOf(service: Reachable, no: number): Promise<Record<string, unknown>[]> {
  const res = await request(service.url).get(`/cont/${no}/history`).set(auth()).expect(200);
  return res.body.items as Record<string, unknown>[];
}

export async function sagaOf(ppon: Reachable, globalNo: string) {
  const res = await request(ppon.url).get(`/sagas/${globalNo}`).set(auth()).expect(200);
  return res.body as { state: string; steps: { participant: string; action: string; attempt: number; outcome: string; error: string | null; durationMs: number }[] } & Record<string, unknown>;
}

/** Steps as "participant action outcome" lines, easy to compare in order. */
export const stepLines = (saga: { steps: { participant: string; action: string; outcome: string }[] }) =>
  saga.steps.map((s) => `${s.participant} ${s.action} ${s.outcome}`);

/** A broker-mode saga request (`regPubsub`, `amdPubsub`, or their drill endpoints). */
export function pubsub(ppon: Reachable, path: 'regPubsub' | 'amdPubsub' | 'regPubsubCompensate' | 'amdPubsubCompensate', payload: Record<string, unknown>, globalNo = newGlobalNo(path)) {
  const body = path.startsWith('reg') ? validContract(payload) : payload;
  return request(ppon.url).post(`/cont/${path}`).set(auth()).set('x-global-no', globalNo).send({ pponContPayload: body });
}

/** Polls the saga log until the saga is END or CANCEL (bounded), as a screen would after a 202; COMPENSATING is not an outcome. */
export async function settledSaga(ppon: Reachable, globalNo: string, timeoutMs = 10_000): Promise<Awaited<ReturnType<typeof sagaOf>>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(ppon.url).get(`/sagas/${globalNo}`).set(auth());
    if (res.status === 200 && ['END', 'CANCEL'].includes(res.body.state)) return res.body as Awaited<ReturnType<typeof sagaOf>>;
    if (Date.now() > until) throw new Error(`saga ${globalNo} still ${res.body.state ?? res.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
