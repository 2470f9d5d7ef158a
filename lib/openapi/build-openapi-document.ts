import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { ApiResponse, DocumentedRoute } from './api-route';
import { problemBody } from './problem-body';

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
  /** How callers authenticate (every route but the `public` ones). */
  security: { name: string; scheme: Parameters<OpenAPIRegistry['registerComponent']>[2] };
}

const csrfHeader = z.object({ 'x-csrf': z.literal('1').meta({ description: 'anti-forgery: every state-changing call' }) });

const responseOf = (status: number, answer: ApiResponse | string) => {
  const { description, schema, contentType } = typeof answer === 'string' ? { description: answer, schema: status >= 400 ? problemBody : undefined, contentType: status >= 400 ? 'application/problem+json' : undefined } : answer;
  return schema ? { description, content: { [contentType ?? 'application/json']: { schema } } } : { description };
};

/**
 * The OpenAPI 3.1 document of an app, from the routes it declared (lib/openapi/documented-router.ts):
 * their request schemas are the ones that validate the requests, their response schemas the ones
 * the conformance test checks real answers against (test/openapi/).
 */
export function buildOpenApiDocument(routes: readonly DocumentedRoute[], { security, ...info }: OpenApiInfo): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', security.name, security.scheme);
  for (const route of routes) {
    const { params, query, body, headers } = route.request ?? {};
    const headerSchema = route.csrf ? (headers ? headers.extend(csrfHeader.shape) : csrfHeader) : headers;
    const requestBody = body ? { content: { 'application/json': { schema: body } } } : route.body ? { content: { [route.body.contentType]: { schema: route.body.schema } } } : undefined;
    const config: RouteConfig = {
      method: route.method,
      path: route.fullPath,
      summary: route.summary,
      ...(route.public ? { security: [] } : {}),
      request: { ...(params ? { params } : {}), ...(query ? { query } : {}), ...(headerSchema ? { headers: headerSchema } : {}), ...(requestBody ? { body: { required: true, ...requestBody } } : {}) },
      // Every route that needs credentials may answer 401 (no session / no valid token): said once here.
      responses: Object.fromEntries(Object.entries({ ...(route.public ? {} : { 401: 'the caller is not authenticated' }), ...route.responses }).map(([status, answer]) => [status, responseOf(Number(status), answer)])),
    };
    registry.registerPath(config);
  }
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({ openapi: '3.1.0', info, security: [{ [security.name]: [] }] });
  return document as unknown as Record<string, unknown>;
}
