import { z } from 'zod';
import { int, parseSettings, settingsTable, type SettingValues } from './define-settings';

/**
 * Tracing (docs/operations.md#tracing), the same keys for every process (the OpenTelemetry names operators know).
 * Unset endpoint = tracing off: no provider is registered and no span is made.
 */
export const telemetrySettings = {
  otlpEndpoint: {
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    schema: z
      .string()
      .optional()
      .transform((v) => (v ? v.replace(/\/+$/, '') : undefined))
      .pipe(z.string().url().optional()),
    description: 'OTLP/HTTP collector base URL (Jaeger, OTel Collector, e.g. `http://localhost:4318`); spans go to `<url>/v1/traces` as http/json. Unset: tracing off, at no cost',
  },
  serviceName: { env: 'OTEL_SERVICE_NAME', schema: z.string().max(100).optional(), description: "The process's `service.name` in traces", defaultText: '`bff-pc`, `bff-mobile`, `ppon`, … (per process)' },
  exportDelayMs: { env: 'OTEL_BSP_SCHEDULE_DELAY', schema: int(10, 60_000), description: 'Finished spans are exported in batches at most this far apart' },
  sampleRatio: {
    env: 'OTEL_TRACES_SAMPLER_ARG',
    schema: z.coerce.number().min(0).max(1),
    description: 'Share of new traces recorded (parent-based: a request that arrives sampled stays sampled, so a saga is whole or absent)',
  },
} as const;

export type TelemetryConfig = SettingValues<typeof telemetrySettings> & { readonly serviceName: string };

const DEFAULTS = { exportDelayMs: 2000, sampleRatio: 1 };

export function loadTelemetryConfig(serviceName: string, env: Record<string, string | undefined> = process.env): TelemetryConfig {
  const values = parseSettings(telemetrySettings, env, DEFAULTS);
  return Object.freeze({ ...values, serviceName: values.serviceName ?? serviceName });
}

export const telemetryConfigTable = () => settingsTable(telemetrySettings, DEFAULTS);
