import { z } from 'zod';

/** Paths the BFF answers itself; a legacy row may not shadow them. */
const RESERVED = ['/api', '/bff', '/healthz', '/readyz', '/metrics', '/docs', '/assets'];

/** Headers a row may never ask to forward: credentials, hop-by-hop, rewrite and identity headers. */
export const NEVER_FORWARDED = /^(cookie|authorization|proxy-[\w-]+|host|connection|keep-alive|te|trailer|transfer-encoding|upgrade|x-original-url|x-rewrite-url|x-http-method-override|x-user-[\w-]+|x-global-no|forwarded|x-forwarded-[\w-]+|x-real-ip)$/;

/** The response headers a row may set for its pages. */
export const ROW_RESPONSE_HEADERS = [
  'content-security-policy',
  'content-security-policy-report-only',
  'x-frame-options',
  'referrer-policy',
  'permissions-policy',
  'cross-origin-opener-policy',
  'cross-origin-embedder-policy',
  'cross-origin-resource-policy',
] as const;

const compiles = (pattern: string) => {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
};

const urlOf = (value: string) => (URL.canParse(value) ? new URL(value) : undefined);

/** One row of a routing table: requests under `path` go to `target`, the prefix stripped. */
export const legacyRouteSchema = z
  .object({
    path: z
      .string()
      .regex(/^(\/[a-z0-9][a-z0-9_-]*)+$/, 'must be a lower-case path prefix like /legacy/app, without a trailing slash')
      .refine((p) => !RESERVED.some((r) => p === r || p.startsWith(`${r}/`)), 'must not shadow the BFF\'s own paths (/api, /bff, /healthz, /readyz, /metrics, /docs, /assets)'),
    target: z
      .string()
      .refine((t) => /^https?:$/.test(urlOf(t)?.protocol ?? ''), 'must be an http(s) URL')
      .refine((t) => !urlOf(t)?.search && !urlOf(t)?.hash, 'must not carry a query or fragment')
      .transform((t) => t.replace(/\/+$/, '')),
    timeoutMs: z.number().int().min(100).max(600_000),
    /** Applied to the path after the prefix is stripped: `{ "^/": "/billing/" }`. */
    pathRewrite: z.record(z.string().refine(compiles, 'is not a valid regular expression'), z.string()).optional(),
    auth: z.enum(['session', 'public']),
    /** Session rows only: state-changing calls must carry `X-CSRF: 1` (off for legacy HTML forms). */
    csrf: z.boolean().default(true),
    websocket: z.boolean().default(false),
    /** Pass `;` path parameters (`/cart;jsessionid=…`) to an upstream that needs them; refused otherwise. Never on a dot or empty segment (lib/http/normalize-path.ts). */
    allowPathParameters: z.boolean().default(false),
    /** Request headers this app needs beyond the proxy's allow-list (never credentials, hop-by-hop or X-Forwarded-*). */
    forwardHeaders: z
      .array(z.string().regex(/^[a-z0-9-]+$/, 'must be a lower-case header name').refine((h) => !NEVER_FORWARDED.test(h), 'is a header the proxy never forwards'))
      .default([]),
    /** Security headers this app's pages need instead of the BFF's (helmet's); `null` drops the BFF's. */
    responseHeaders: z.partialRecord(z.enum(ROW_RESPONSE_HEADERS), z.string().regex(/^[\x20-\x7e]*$/, 'must be printable ASCII').nullable()).default({}),
    /** Relay the app's own 5xx pages (debug rows only); otherwise a 5xx becomes a 502 problem without its body. */
    relayErrors: z.boolean().default(false),
    /** How the row's HTTP requests are proxied: undici (default, ~2× the requests/s) or http-proxy-middleware (the former engine, kept as a fallback). WebSockets always go through http-proxy. */
    engine: z.enum(['undici', 'http-proxy']).optional(),
  })
  .strict();

export type LegacyRoute = z.output<typeof legacyRouteSchema>;
