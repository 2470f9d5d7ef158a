import { AppError } from '../../lib/errors/app-error';
import { isErrorCode } from '../../lib/errors/problem-handler';
import type { CallContext, Upstream } from '../compose/create-upstream';

export interface SagaRequest {
  kind: 'reg' | 'amd';
  mode: 'api' | 'event';
  drill: boolean;
  pponContNo?: number;
  fields: Record<string, string | undefined>;
  user: { id: string; name: string };
}

export interface SagaAnswer {
  status: number;
  body: Record<string, unknown>;
  location: string;
}

type Ms1Answer = Record<string, unknown> & { code?: string; detail?: string; globalNo?: string; state?: string };

const ENDPOINTS = {
  api: { reg: '/cont/regSagaApi', amd: '/cont/amdSagaApi' },
  event: { reg: '/cont/regPubsub', amd: '/cont/amdPubsub' },
  eventDrill: { reg: '/cont/regPubsubCompensate', amd: '/cont/amdPubsubCompensate' },
} as const;

/** MS1's envelope (`pponContPayload`), with the audit columns taken from the session's user, never the body. */
function ms1Payload(req: SagaRequest): Record<string, unknown> {
  const audit = req.kind === 'reg' ? { mkerId: req.user.id, mkerNm: req.user.name } : { amdrId: req.user.id, amdrNm: req.user.name };
  return {
    pponContPayload: {
      ...(req.pponContNo ? { saPponContNo: req.pponContNo } : {}),
      ...req.fields,
      ...audit,
      ...(req.drill && req.mode === 'api' ? { compensateYn: 'Y' } : {}),
    },
  };
}

/** An MS1 refusal (4xx problem) becomes the same problem here; members the screen needs are kept. */
function refusal(status: number, body: Ms1Answer): AppError {
  // A refused bearer token is this BFF's problem with the service, not something the browser sent.
  const ownToken = body.code === 'TOKEN_REQUIRED' || body.code === 'TOKEN_INVALID';
  const code = body.code && isErrorCode(body.code) && !ownToken ? body.code : status === 404 ? 'NOT_FOUND' : 'UPSTREAM_BAD_RESPONSE';
  const { errors, globalNo, saPponContNo } = body;
  return new AppError(code, typeof body.detail === 'string' ? body.detail : undefined, { ...(errors ? { errors } : {}), ...(globalNo ? { globalNo } : {}), ...(saPponContNo ? { saPponContNo } : {}) });
}

/**
 * MS1 did not answer in time: the saga (MS1 names it after the request's globalNo) may be running
 * or even ended. The 504 says which saga, so the screen follows it instead of guessing an outcome.
 */
function stillUnknown(err: unknown, globalNo: string): unknown {
  if (!(err instanceof AppError) || err.code !== 'UPSTREAM_TIMEOUT') return err;
  return new AppError('UPSTREAM_TIMEOUT', err.detail, { ...err.extra, globalNo, statusUrl: `/api/sagas/${encodeURIComponent(globalNo)}` }, { cause: err });
}

/**
 * Starts a register or modify saga at MS1. API mode answers the outcome (END → 201/200; CANCEL or
 * COMPENSATING → 409 SAGA_FAILED carrying state and the failed step). Event mode answers
 * 202 as soon as MS1 has recorded the first step: an acknowledgement, never the outcome.
 */
export async function triggerSaga(ms1: Upstream, req: SagaRequest, ctx: CallContext & { sagaTimeoutMs: number }): Promise<SagaAnswer> {
  const path = (req.mode === 'event' ? (req.drill ? ENDPOINTS.eventDrill : ENDPOINTS.event) : ENDPOINTS.api)[req.kind];
  const { status, body } = await ms1.request<Ms1Answer>('POST', path, { ...ctx, timeoutMs: ctx.sagaTimeoutMs }, ms1Payload(req)).catch((err: unknown) => {
    throw stillUnknown(err, ctx.globalNo);
  });
  const globalNo = String(body?.globalNo ?? ctx.globalNo);
  const location = `/api/sagas/${encodeURIComponent(globalNo)}`;

  if (req.mode === 'event') {
    if (status !== 202) throw refusal(status, body ?? {});
    return { status: 202, location, body: { globalNo, state: 'START', accepted: true, statusUrl: location, eventsUrl: `${location}/events` } };
  }
  if (status === 200 || status === 201) {
    const { globalNo: _g, successYn: _s, ...rest } = body;
    return { status: req.kind === 'reg' ? 201 : 200, location, body: { globalNo, ...rest } };
  }
  if (body?.code === 'SAGA_CANCELLED' || body?.code === 'SAGA_COMPENSATION_FAILED') {
    throw new AppError('SAGA_FAILED', typeof body.message === 'string' ? body.message : undefined, {
      globalNo,
      saPponContNo: body.saPponContNo ?? null,
      state: body.state,
      failedStep: body.failedStep ?? null,
      statusUrl: location,
    });
  }
  throw refusal(status, body ?? {});
}
