import type { RequestHandler } from 'express';
import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One answer of a route: a description, and the schema of its body (none: no body; a string at ≥ 400: a problem). */
export interface ApiResponse {
  description: string;
  schema?: z.ZodType;
  /** `application/json` unless said (text/plain, text/event-stream, application/octet-stream). */
  contentType?: string;
}

/**
 * One route as the code declares it, once: Express mounts it (lib/openapi/documented-router.ts)
 * and the OpenAPI document is built from the same object (lib/openapi/build-openapi-document.ts).
 */
export interface ApiRoute {
  method: HttpMethod;
  /** OpenAPI style (`/contracts/{pponContNo}`), relative to where the router is mounted. */
  path: string;
  summary: string;
  /** params, query, body: validated in this order after the guards, the parsed value replacing the request's; headers: documented only. */
  request?: { params?: z.ZodObject; query?: z.ZodObject; body?: z.ZodType; headers?: z.ZodObject };
  /** A request body the route takes as it comes (multipart, forms): documented, not validated here. */
  body?: { contentType: string; schema: z.ZodType };
  /** Status → answer; a plain string is its description: a problem body at ≥ 400, no body below. */
  responses: Record<number, ApiResponse | string>;
  /** Run before the request is validated: a caller without a session learns that first, not a 400. */
  guards?: RequestHandler[];
  /** Needs no session (the document marks the others). */
  public?: boolean;
  /** A state-changing call: `X-CSRF: 1` is required. */
  csrf?: boolean;
  /** Documented here, parsed by the handler or an earlier layer of the router (no second parse). */
  validatedElsewhere?: boolean;
}

/** A declared route with the full path the app serves it at. */
export type DocumentedRoute = ApiRoute & { fullPath: string };
