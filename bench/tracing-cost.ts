/**
 * What tracing costs a request: a BFF-shaped app (globalNo, server span, one upstream call with a
 * client span and `traceparent`) in front of a stand-in service that answers at once, measured
 * with autocannon in one run: tracing off (no provider: the API's no-op), on with every trace
 * sampled (spans made, batched, handed to an exporter that drops them, so only our process's cost
 * counts), and on with sampling 0 (propagation only). Loopback, one process.
 *   npx tsx bench/tracing-cost.ts [--seconds 5] [--connections 16]
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import express from 'express';
import { ExportResultCode } from '@opentelemetry/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { loadTelemetryConfig } from '../config/telemetry-config';
import { createUpstream } from '../core/compose/create-upstream';
import { assignGlobalNo } from '../lib/http/global-no';
import { startTracing } from '../lib/telemetry/start-tracing';
import { traceRequests } from '../lib/http/trace-requests';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 5);
const CONNECTIONS = arg('connections', 16);

const listen = (handler: http.RequestListener) =>
  new Promise<http.Server>((resolve) => {
    const server = http.createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
const urlOf = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
let exported = 0;
const dropping: SpanExporter = {
  export: (spans, done) => ((exported += spans.length), done({ code: ExportResultCode.SUCCESS })),
  shutdown: async () => undefined,
};

async function main() {
  const service = await listen((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"saPponContNo":1}'));
  const upstream = createUpstream('ppon', urlOf(service), { timeoutMs: 5000, breakerThreshold: 1000, breakerHalfOpenMs: 1000 });
  const app = express();
  app.use(assignGlobalNo(), traceRequests());
  app.get('/api/contracts/:no', async (req, res) => {
    res.json(await upstream.getJson(`/cont/${req.params.no}`, { globalNo: req.globalNo }));
  });
  const bff = await listen(app);
  const run = async (label: string) => {
    await autocannon({ url: `${urlOf(bff)}/api/contracts/1`, connections: CONNECTIONS, duration: 1 }); // warm-up
    const r = await autocannon({ url: `${urlOf(bff)}/api/contracts/1`, connections: CONNECTIONS, duration: SECONDS });
    return { label, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
  };
  const results = [await run('off (no OTEL_EXPORTER_OTLP_ENDPOINT)')];
  for (const [label, ratio] of [['on, every trace sampled', '1'], ['on, sampling 0 (propagation only)', '0']] as const) {
    const tracing = startTracing(loadTelemetryConfig('bench', { OTEL_TRACES_SAMPLER_ARG: ratio, OTEL_BSP_SCHEDULE_DELAY: '200' }), dropping);
    results.push(await run(label));
    await tracing.shutdown();
  }
  results.push(await run('off again (drift of this machine during the run)'));
  const base = results[0].rps;
  console.log(`\ntracing cost: BFF-shaped route with one upstream call, ${CONNECTIONS} connections, ${SECONDS} s each (spans exported: ${exported})\n`);
  console.log('| tracing | req/s | p50 ms | p99 ms | errors | req/s vs off |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of results) console.log(`| ${r.label} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${(r.rps / base).toFixed(2)}× |`);
  bff.closeAllConnections();
  bff.close();
  service.close();
}

void main();
