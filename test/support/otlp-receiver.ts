import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/** A finished span as an OTLP collector receives it (http/json), flattened. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  start: bigint;
  attributes: Record<string, string | number | boolean>;
  status: number;
}

export interface OtlpReceiver {
  /** The base URL to give as OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  spans(): ReceivedSpan[];
  /** Resolves once `done(spans)` holds (rechecked on every export), or rejects with what arrived. */
  waitFor(done: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
const valueOf = (v: AnyValue) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue ?? ''));
type OtlpAttributes = { key: string; value: AnyValue }[];
/** The OTLP/JSON fields this receiver reads (opentelemetry-proto's ExportTraceServiceRequest). */
interface OtlpResourceSpans {
  resource?: { attributes?: OtlpAttributes };
  scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; startTimeUnixNano: string; attributes?: OtlpAttributes; status?: { code?: number } }[] }[];
}
const attributesOf = (list: { key: string; value: AnyValue }[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

/**
 * An in-process OTLP/HTTP receiver (JSON encoding) for tests: the services and the BFF export to it
 * exactly as they would to Jaeger or an OTel Collector, so the production export path is the one tested.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  const waiters = new Set<() => void>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).includes('json')) {
        res.writeHead(415).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { resourceSpans?: OtlpResourceSpans[] };
      for (const rs of body.resourceSpans ?? []) {
        const service = String(attributesOf(rs.resource?.attributes)['service.name'] ?? '');
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            received.push({
              service, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId ?? '', name: s.name, kind: s.kind,
              start: BigInt(s.startTimeUnixNano), attributes: attributesOf(s.attributes), status: s.status?.code ?? 0,
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    spans: () => [...received],
    waitFor: (done, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!done(received)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve([...received]);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`spans did not arrive in ${timeoutMs} ms; got:\n${received.map((s) => `${s.service} ${s.name} ${s.traceId}`).join('\n')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The trace as indented lines `service: span name`, children in start order. */
export function spanTree(spans: ReceivedSpan[], traceId: string, skip: (span: ReceivedSpan) => boolean = () => false): string[] {
  const mine = spans.filter((s) => s.traceId === traceId && !skip(s)).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const ids = new Set(mine.map((s) => s.spanId));
  const lines: string[] = [];
  const walk = (parent: string, depth: number) => {
    for (const s of mine.filter((m) => (parent === '' ? !ids.has(m.parentSpanId) : m.parentSpanId === parent))) {
      lines.push(`${'  '.repeat(depth)}${s.service}: ${s.name}`);
      walk(s.spanId, depth + 1);
    }
  };
  walk('', 0);
  return lines;
}

/**
 * A span of this (jest) process, from the SDK's InMemorySpanExporter, in the receiver's shape. The
 * OTLP exporter cannot run inside jest's VM (it loads `http` with a dynamic import, which jest's
 * CommonJS sandbox refuses), so the in-process BFF exports to memory and the processes over OTLP.
 */
export function fromReadableSpan(span: ReadableSpan): ReceivedSpan {
  const [seconds, nanos] = span.startTime;
  return {
    service: String(span.resource.attributes['service.name'] as string | undefined ?? ''),
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? '',
    name: span.name,
    kind: span.kind + 1, // OTLP numbers kinds from 1 (INTERNAL), the API from 0
    start: BigInt(seconds) * 1_000_000_000n + BigInt(nanos),
    attributes: span.attributes as ReceivedSpan['attributes'],
    status: span.status.code,
  };
}
