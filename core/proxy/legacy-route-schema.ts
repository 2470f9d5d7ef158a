import { z } from 'zod';

/** Paths the BFF answers itself; a legacy row may not shadow them. */
const RESERVED = ['/api', '/bff', '/healthz', '/readyz', '/metrics'];

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
      .refine((p) => !RESERVED.some((r) => p === r || p.startsWith(`${r}/`)), 'must not shadow the BFF\'s own paths (/api, /bff, /healthz, /readyz, /metrics)'),
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
  })
  .strict();

export type LegacyRoute = z.output<typeof legacyRouteSchema>;
