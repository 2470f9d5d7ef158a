import { Router } from 'express';
import { z } from 'zod';
import type { BffAppName } from '../config/bff-config';
import { profilePatchSchema } from '../core/session/profile-schema';
import { contractListQuery, modifyContractBody, registerContractBody } from '../core/saga/contract-schemas';

type Op = { summary: string; body?: z.ZodType; query?: z.ZodObject; responses: Record<string, string>; csrf?: boolean; params?: string[] };

const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
const schemaOf = (s: z.ZodType) => {
  const { $schema: _drop, ...json } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
};

function operations(app: BffAppName): Record<string, Record<string, Op>> {
  return {
    '/bff/login': { get: { summary: 'Start the SSO login (code + PKCE); 302 to the identity provider. `returnTo` must resolve to this origin; `prompt=none` is the silent login (a refusal comes back as `returnTo?login_error=login_required`)', responses: { 302: 'to the SSO', 400: 'INVALID_RETURN_URL or VALIDATION_FAILED' } } },
    '/bff/user': { get: { summary: 'The user `{ sub, name, roles, claims, session: { expiresAt, absoluteExpiresAt, expiresIn: { idle, absolute } }, logoutUrl }`; `?slide=false` does not extend the session', responses: { 200: 'the user', 401: 'SESSION_REQUIRED' } } },
    '/bff/logout': { get: { summary: "Navigate here (the `logoutUrl` of /bff/user, with its `sid`): ends the session, revokes the refresh token, 302 to the SSO's end-session endpoint", responses: { 302: 'to the SSO', 400: 'LOGOUT_SID_INVALID' } } },
    '/api/menu': { get: { summary: `The ${app} menu tree`, responses: { 200: 'menu' } } },
    '/api/session/profile': {
      get: { summary: "The user's preferences kept in the session", responses: { 200: 'profile' } },
      patch: { summary: 'Change preferences', csrf: true, body: profilePatchSchema, responses: { 200: 'profile', 400: 'VALIDATION_FAILED' } },
    },
    '/api/contracts': {
      get: { summary: 'A page of contracts, each composed from MS1, MS2 and MS3', query: contractListQuery, responses: { 200: 'page (x-bff-completed: false when a part is missing)' } },
      post: { summary: 'Register a contract (saga). api mode: 201 with the outcome or 409 SAGA_FAILED; event mode: 202 + Location', csrf: true, body: registerContractBody, responses: { 201: 'saga ended END', 202: 'event mode: accepted, follow Location', 409: 'SAGA_FAILED (CANCEL / COMPENSATION_FAILED)', 400: 'VALIDATION_FAILED / DRILL_NOT_ALLOWED' } },
    },
    '/api/contracts/{pponContNo}': {
      get: { summary: app === 'pc' ? 'One contract, full rows of ppon, inetaplca and intelnet' : 'One contract as a compact card', params: ['pponContNo'], responses: { 200: 'view (partial: true when MS2/MS3 failed)', 404: 'NOT_FOUND', 502: 'MS1 failed', 504: 'MS1 too slow' } },
      put: { summary: 'Modify a contract (saga), same modes as register', csrf: true, params: ['pponContNo'], body: modifyContractBody, responses: { 200: 'saga ended END', 202: 'event mode: accepted', 409: 'SAGA_FAILED / SAGA_IN_PROGRESS', 404: 'NOT_FOUND' } },
    },
    '/api/sagas/{globalNo}': { get: { summary: "A saga's state and steps from MS1's saga log", params: ['globalNo'], responses: { 200: 'saga', 404: 'NOT_FOUND' } } },
    '/api/sagas/{globalNo}/events': { get: { summary: 'Server-sent events (`step`, `state`, `end`) until the saga ends', params: ['globalNo'], responses: { 200: 'text/event-stream' } } },
    ...(app === 'mobile' ? { '/api/home': { get: { summary: 'Home screen in one call: user, menu and recent contracts', responses: { 200: 'home' } } } } : {}),
    '/api/files': {
      get: { summary: "The user's own files", responses: { 200: 'list' } },
      post: { summary: 'Upload (multipart, field `file`)', csrf: true, responses: { 201: 'file', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' } },
    },
    '/api/files/{id}': {
      get: { summary: 'Download (streamed, Range supported)', params: ['id'], responses: { 200: 'content', 206: 'range', 404: 'NOT_FOUND' } },
      delete: { summary: 'Delete', csrf: true, params: ['id'], responses: { 204: 'deleted', 404: 'NOT_FOUND' } },
    },
  };
}

/** The app's OpenAPI 3.1 document, built from the same zod schemas that validate the requests. */
export function buildOpenApi(app: BffAppName): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, ops] of Object.entries(operations(app))) {
    paths[path] = {};
    for (const [method, op] of Object.entries(ops)) {
      const parameters = [
        ...(op.params ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
        ...Object.entries((op.query ? schemaOf(op.query).properties : {}) as Record<string, unknown>).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
        ...(op.csrf ? [{ name: 'X-CSRF', in: 'header', required: true, schema: { const: '1' } }] : []),
        ...(op.body && path.startsWith('/api/contracts') ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } }] : []),
      ];
      paths[path][method] = {
        summary: op.summary,
        ...(parameters.length ? { parameters } : {}),
        ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(op.body) } } } } : {}),
        responses: Object.fromEntries(Object.entries(op.responses).map(([status, description]) => [status, { description, ...(Number(status) >= 400 ? { content: problem } : {}) }])),
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: `Contract BFF (${app})`, version: '0.1.0', description: 'Session cookie auth (log in at /bff/login). State-changing calls need `X-CSRF: 1`. Errors are application/problem+json.' },
    paths,
    components: {
      schemas: {
        Problem: { type: 'object', required: ['type', 'title', 'status', 'code'], properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, code: { type: 'string' }, detail: { type: 'string' }, instance: { type: 'string' }, globalNo: { type: 'string' } } },
      },
    },
  };
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** `/api/openapi.json` and a readable page of it at `/api/docs`. */
export function openApiRoutes(app: BffAppName): Router {
  const doc = buildOpenApi(app);
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(doc);
  });
  router.get('/docs', (_req, res) => {
    const rows = Object.entries(doc.paths as Record<string, Record<string, { summary: string; requestBody?: unknown }>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escape(path)}</code></td><td>${escape(op.summary)}${op.requestBody ? `<details><summary>body schema</summary><pre>${escape(JSON.stringify((op.requestBody as { content: { 'application/json': { schema: unknown } } }).content['application/json'].schema, null, 2))}</pre></details>` : ''}</td></tr>`),
    );
    res.type('html').send(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(String((doc.info as { title: string }).title))}</title></head><body><h1>${escape(String((doc.info as { title: string }).title))}</h1><p>${escape(String((doc.info as { description: string }).description))} Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a>.</p><table border="1" cellpadding="4"><tr><th>method</th><th>path</th><th>what</th></tr>${rows.join('')}</table></body></html>`);
  });
  return router;
}
