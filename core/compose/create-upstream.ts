import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import { request as undiciRequest } from 'undici';
import { AppError } from '../../lib/errors/app-error';
import { isErrorCode } from '../../lib/errors/problem-handler';
import { inSpan, markError, SpanKind, traceHeaders } from '../../lib/telemetry/trace';

/** Told of every call's outcome and latency (the BFF's `bff_upstream_request_duration_seconds`). */
export type UpstreamObserver = (call: { upstream: string; method: string; outcome: string; seconds: number }) => void;

/** Who is calling, carried to every upstream; never the browser's cookies or tokens. */
export interface CallContext {
  globalNo: string;
  userSub?: string;
  /** The user's access token (JWT from the SSO): the contract services authenticate every call. */
  accessToken?: string;
  /** Aborts the call (e.g. the composition's overall budget). */
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface UpstreamResponse<T = unknown> {
  status: number;
  body: T;
}

export interface Upstream {
  name: string;
  /** Any answer below 500 is returned (4xx included: the caller decides); failures throw AppError. */
  request<T = unknown>(method: string, path: string, ctx: CallContext, body?: unknown): Promise<UpstreamResponse<T>>;
  /** GET that maps 404 to NOT_FOUND and any other non-2xx to UPSTREAM_BAD_RESPONSE. */
  getJson<T = unknown>(path: string, ctx: CallContext): Promise<T>;
}

/** A failure that says the upstream is unwell (counts for its circuit breaker), unlike a 4xx. */
class UpstreamFailure extends AppError {}

/**
 * One contract service over HTTP: per-call timeout, a circuit breaker of its own, keep-alive
 * connections (undici pools them per origin), `x-global-no` and the user's id sent along.
 */
export function createUpstream(name: string, baseUrl: string, options: { timeoutMs: number; breakerThreshold: number; breakerHalfOpenMs: number; observe?: UpstreamObserver }): Upstream {
  const breaker = circuitBreaker(handleWhen((err) => err instanceof UpstreamFailure), {
    halfOpenAfter: options.breakerHalfOpenMs,
    breaker: new ConsecutiveBreaker(options.breakerThreshold),
  });

  /** A client span (its context goes along as `traceparent`) and the latency by outcome: a status, or the error code. */
  function call<T>(method: string, path: string, ctx: CallContext, body?: unknown): Promise<UpstreamResponse<T>> {
    const started = performance.now();
    const observe = (outcome: string) => options.observe?.({ upstream: name, method, outcome, seconds: (performance.now() - started) / 1000 });
    return inSpan(`${method} ${name}`, { kind: SpanKind.CLIENT, globalNo: ctx.globalNo, attributes: { 'http.request.method': method, 'server.address': name, 'url.path': path.split('?')[0] } }, async (span) => {
      try {
        const response = await send<T>(method, path, ctx, body);
        span?.setAttribute('http.response.status_code', response.status);
        observe(String(response.status));
        return response;
      } catch (err) {
        const code = err instanceof AppError ? err.code : 'ERROR';
        markError(span, code);
        observe(code);
        throw err;
      }
    });
  }

  async function send<T>(method: string, path: string, ctx: CallContext, body?: unknown): Promise<UpstreamResponse<T>> {
    const timeoutMs = ctx.timeoutMs ?? options.timeoutMs;
    const headers: Record<string, string> = { accept: 'application/json', 'x-global-no': ctx.globalNo, ...traceHeaders() };
    if (ctx.accessToken) headers.authorization = `Bearer ${ctx.accessToken}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let status: number;
    let text: string;
    try {
      // undici's request, not fetch: keep-alive pools per origin as well, at a fraction of fetch's
      // per-call cost (bench/README.md). Its headers and body timeouts are the per-call timeout
      // (the answers are small JSON: no answer, or a stalled one, within it); `ctx.signal` the
      // caller's overall budget.
      const response = await undiciRequest(`${baseUrl}${path}`, {
        method: method as 'GET',
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: ctx.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      status = response.statusCode;
      text = await response.body.text().catch(() => '');
    } catch (cause) {
      const e = cause as Error & { code?: string };
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT' || e.code === 'UND_ERR_ABORTED';
      throw new UpstreamFailure(timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE', `${name} ${timedOut ? 'did not answer in time' : 'cannot be reached'}`, { upstream: name }, { cause });
    }
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new UpstreamFailure('UPSTREAM_BAD_RESPONSE', `${name} answered something that is not JSON`, { upstream: name });
    }
    // A saga outcome that is a 5xx (e.g. SAGA_COMPENSATION_FAILED) is an answer, not a sick service.
    const code = (parsed as { code?: string } | undefined)?.code;
    if (status >= 500 && !(code && isErrorCode(code) && code.startsWith('SAGA_'))) {
      throw new UpstreamFailure(status === 503 ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_BAD_RESPONSE', `${name} answered ${status}`, { upstream: name });
    }
    return { status, body: parsed as T };
  }

  const request = async <T>(method: string, path: string, ctx: CallContext, body?: unknown) => {
    try {
      return await breaker.execute(() => call<T>(method, path, ctx, body));
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        options.observe?.({ upstream: name, method, outcome: 'CIRCUIT_OPEN', seconds: 0 });
        throw new AppError('CIRCUIT_OPEN', `${name} is failing; calls to it are paused`, { upstream: name });
      }
      throw err;
    }
  };

  return {
    name,
    request,
    async getJson<T>(path: string, ctx: CallContext) {
      const { status, body } = await request<T>('GET', path, ctx);
      if (status === 404) throw new AppError('NOT_FOUND', `${name} has no such record`);
      // The service judged the user's roles (the BFF only mirrors them): that is the screen's answer too.
      if (status === 403) throw new AppError('FORBIDDEN', `${name} does not let this user read that`);
      if (status >= 300) throw new AppError('UPSTREAM_BAD_RESPONSE', `${name} answered ${status}`, { upstream: name });
      return body;
    },
  };
}
