import { context, createContextKey, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';

/**
 * The one door to tracing for the rest of the code (only `start-tracing.ts` knows the SDK). Until a
 * process starts tracing, every helper here is a plain call: no span objects, no context switches,
 * no headers (docs/operations.md#tracing: off by default, at no cost).
 */
const tracer = () => trace.getTracer('contract-bff');
const GLOBAL_NO = createContextKey('x-global-no');
/** The span attribute every span carries (set by the processor in start-tracing.ts). */
export const GLOBAL_NO_ATTRIBUTE = 'global.no';

let on = false;
/** Called by startTracing only. */
export function setTracingOn(value: boolean): void {
  on = value;
}
export const tracingOn = () => on;

export { SpanKind };
export type { Context, Span };

/** The globalNo a context carries (read by the span processor, so that every span gets it). */
export const globalNoOf = (ctx: Context): string | undefined => ctx.getValue(GLOBAL_NO) as string | undefined;
export const withGlobalNo = (ctx: Context, globalNo: string | undefined): Context => (globalNo ? ctx.setValue(GLOBAL_NO, globalNo) : ctx);

/** W3C trace context (`traceparent`, `tracestate`) of the active span, to send along; `{}` when tracing is off. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  if (on) propagation.inject(ctx, carrier);
  return carrier;
}

/**
 * The trace headers plus `x-global-no` when the active context concerns a saga: what a message
 * stores for its publisher and consumers, whose payload may not name the saga (a contract change
 * event does not). `{}` when tracing is off.
 */
export function messageTraceHeaders(ctx: Context = context.active()): Record<string, string> {
  const headers = traceHeaders(ctx);
  const globalNo = on ? globalNoOf(ctx) : undefined;
  return globalNo ? { ...headers, [GLOBAL_NO_HEADER]: globalNo } : headers;
}

/** The header that names a message's saga (the same name as on HTTP requests). */
export const GLOBAL_NO_HEADER = 'x-global-no';

/** The saga a message concerns: its payload's globalNo, else its `x-global-no` header. */
export function messageGlobalNo(payload: Record<string, unknown>, headers: Record<string, string> | undefined): string | undefined {
  if (typeof payload.globalNo === 'string') return payload.globalNo;
  const header = headers?.[GLOBAL_NO_HEADER];
  return typeof header === 'string' && header.length > 0 ? header : undefined;
}

/** The context a peer sent (HTTP headers, message headers), with the globalNo it concerns. */
export function contextFrom(headers: Record<string, string | string[] | undefined> | undefined, globalNo?: string): Context {
  return withGlobalNo(headers ? propagation.extract(ROOT_CONTEXT, headers) : ROOT_CONTEXT, globalNo);
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent; the active context by default. */
  parent?: Context;
  startTime?: Date;
  /** Sets the globalNo for this span and its children. */
  globalNo?: string;
}

/**
 * Runs `fn` inside a new active span; a throw marks the span as an error and passes on. `fn` may set
 * attributes on the span (it is a no-op span when tracing is off, and then no span is made at all).
 */
export async function inSpan<T>(name: string, options: SpanOptions, fn: (span?: Span) => Promise<T>): Promise<T> {
  if (!on) return fn();
  const parent = withGlobalNo(options.parent ?? context.active(), options.globalNo);
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, startTime: options.startTime }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
    throw err;
  } finally {
    span.end();
  }
}

/** A span for something that already happened (broker mode: a step from its request to its reply). */
export function recordSpan(name: string, options: SpanOptions & { startTime: Date; error?: string }): void {
  if (!on) return;
  const parent = withGlobalNo(options.parent ?? context.active(), options.globalNo);
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, startTime: options.startTime }, parent);
  if (options.error) span.setStatus({ code: SpanStatusCode.ERROR, message: options.error });
  span.end();
}

/** Starts a span the caller ends (an HTTP server span ends when the response is finished). */
export function startSpan(name: string, options: SpanOptions): { span: Span; context: Context } | undefined {
  if (!on) return undefined;
  const parent = withGlobalNo(options.parent ?? context.active(), options.globalNo);
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, startTime: options.startTime }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

export const markError = (span: Span | undefined, message: string) => span?.setStatus({ code: SpanStatusCode.ERROR, message });
export const runInContext = <T>(ctx: Context, fn: () => T): T => context.with(ctx, fn);
/** Listeners added to `emitter` later run in `ctx` (body parsers read the request in socket callbacks). */
export const bindEmitter = <E extends object>(ctx: Context, emitter: E): E => context.bind(ctx, emitter as never);

/** `trace_id` and `span_id` of the active span, for log lines (so a log line leads to its trace); `{}` when off. */
export function logTraceFields(): Record<string, string> {
  if (!on) return {};
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
