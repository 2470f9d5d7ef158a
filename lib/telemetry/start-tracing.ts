import { context, propagation, trace, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type ReadableSpan, type Span, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { GLOBAL_NO_ATTRIBUTE, globalNoOf, setTracingOn } from './trace';

/** What tracing needs to start (`config/telemetry-config.ts` parses it from the environment). */
export interface TracingOptions {
  /** OTLP/HTTP collector base URL; unset: tracing off. */
  readonly otlpEndpoint?: string;
  readonly serviceName: string;
  readonly exportDelayMs: number;
  readonly sampleRatio: number;
}

export interface Tracing {
  readonly enabled: boolean;
  /** Exports what is still buffered, then stops (call it before the process exits). */
  shutdown(): Promise<void>;
}

/** Every span gets the globalNo of the context it starts in: the key an operator searches by. */
const globalNoProcessor: SpanProcessor = {
  onStart: (span: Span, parent: Context) => {
    const globalNo = globalNoOf(parent);
    if (globalNo) span.setAttribute(GLOBAL_NO_ATTRIBUTE, globalNo);
  },
  onEnd: (_span: ReadableSpan) => undefined,
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

const off: Tracing = { enabled: false, shutdown: async () => undefined };

/**
 * Registers the process's tracer provider when an OTLP endpoint is configured (else nothing: the
 * API stays the no-op). Manual instrumentation on AsyncLocalStorage, not auto-instrumentation: the
 * `require` hooks of the instrumentations do not see modules loaded through tsx's ESM loader
 * reliably, and the spans we want (saga steps, outbox, broker hand-offs) are ours to make anyway.
 */
export function startTracing(config: TracingOptions, exporter: SpanExporter | undefined = config.otlpEndpoint ? new OTLPTraceExporter({ url: `${config.otlpEndpoint}/v1/traces` }) : undefined): Tracing {
  if (!exporter) return off;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [globalNoProcessor, new BatchSpanProcessor({ exporter, scheduledDelayMillis: config.exportDelayMs })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  setTracingOn(true);
  return {
    enabled: true,
    shutdown: async () => {
      setTracingOn(false);
      await provider.shutdown().catch(() => undefined);
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
