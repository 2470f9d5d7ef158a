import path from 'node:path';
import express, { Router } from 'express';
import { z } from 'zod';
import type { BffAppName } from '../config/bff-config';
import { profilePatchSchema } from '../core/session/profile-schema';
import { contractListQuery, modifyContractBody, registerContractBody } from '../core/saga/contract-schemas';
import { profileSchema } from '../core/session/profile-schema';
import { SAGA_EVENT_TYPES } from '../core/saga/follow-saga';
/** A response: its description, and the schema of its body (a `$ref` name or an inline schema). */
type Res = string | { d: string; s?: string | Record<string, unknown>; type?: string };
type Op = { summary: string; body?: z.ZodType; query?: z.ZodObject; responses: Record<string, Res>; csrf?: boolean; params?: string[]; public?: boolean };

const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
const schemaOf = (s: z.ZodType) => {
  const { $schema: _drop, ...json } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
};
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const str = { type: 'string' };
const strOrNull = { type: ['string', 'null'] };
const int = { type: 'integer' };
const obj = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({ type: 'object', properties, required });
/** A contract row of one service: its number, status columns and the business columns, as the service returns them. */
const row = { type: 'object', additionalProperties: true, properties: { transacSttus: { enum: ['START', 'END', 'CANCEL'] }, delYn: { enum: ['Y', 'N'] }, contr: str, payr: str, svcNo: str } };

/** The bodies the routes answer, shared by both apps' documents. */
function responseSchemas(app: BffAppName): Record<string, unknown> {
  const menuItem = { type: 'object', required: ['id', 'label', 'path'], properties: { id: str, label: str, path: str, children: { type: 'array', items: { $ref: '#/components/schemas/MenuItem' } } } };
  const pcContract = obj({ saPponContNo: int, partial: { type: 'boolean' }, errors: { type: 'object', properties: { inetaplca: str, intelnet: str }, description: 'error code per part that could not be read' }, ppon: { ...row, required: ['saPponContNo'] }, inetaplca: { anyOf: [row, { type: 'null' }] }, intelnet: { anyOf: [row, { type: 'null' }] } });
  const mobileCard = obj({ no: int, contractor: strOrNull, serviceNumber: strOrNull, status: { enum: ['active', 'in-progress', 'cancelled', 'incomplete', 'deleted'] }, partial: { type: 'boolean' } });
  return {
    Problem: { type: 'object', required: ['type', 'title', 'status', 'code'], properties: { type: str, title: str, status: int, code: str, detail: str, instance: str, globalNo: str, errors: { type: 'array', items: obj({ in: str, path: str, code: { ...str, description: 'stable: REQUIRED, TOO_LONG, TOO_SHORT, INVALID_PHONE, INVALID_CARD, INVALID_CARD_CHECKSUM, INVALID_FORMAT, INVALID_DATE_RANGE (docs/contracts.md)' }, message: str }, ['path', 'code', 'message']) } } },
    User: obj({
      sub: str,
      name: str,
      roles: { type: 'array', items: { enum: ['agent', 'viewer', 'supervisor', 'operator'] } },
      claims: { type: 'object', additionalProperties: true },
      session: obj({ expiresAt: { type: 'string', format: 'date-time' }, absoluteExpiresAt: { type: 'string', format: 'date-time' }, expiresIn: obj({ idle: int, absolute: int }) }, ['expiresAt', 'absoluteExpiresAt']),
      logoutUrl: str,
    }, ['sub', 'claims', 'session', 'logoutUrl']),
    Readiness: obj({ ready: { type: 'boolean' }, checks: { type: 'object', additionalProperties: { enum: ['up', 'down', 'memory'] } } }),
    LoggedOut: obj({ loggedOut: { const: true }, endSessionUrl: strOrNull }),
    MenuItem: menuItem,
    Menu: obj({ app: { const: app }, items: { type: 'array', items: ref('MenuItem') }, drillAllowed: { type: 'boolean' } }),
    Profile: schemaOf(profileSchema),
    LastChange: obj({ kind: { enum: ['REGISTER', 'MODIFY'] }, outcome: { enum: ['IN_PROGRESS', 'DONE', 'ROLLED_BACK'] }, reasonCode: { ...str, description: 'why a rolled-back change failed (detail only): a catalog code or STEP_FAILED' }, globalNo: strOrNull, at: strOrNull }, ['kind', 'outcome', 'globalNo', 'at']),
    ContractBase: app === 'pc' ? pcContract : mobileCard,
    Contract: { allOf: [ref('ContractBase'), obj({ contractState: { enum: ['ACTIVE', 'TERMINATED'] }, lastChange: ref('LastChange') })] },
    ContractDetail: {
      allOf: [
        ref('Contract'),
        obj({ viewBehind: { type: ['boolean', 'null'], description: 'true: the contract view (the lists) holds an older version of this contract than the services; null: the view could not be asked' } }),
      ],
    },
    ContractPage: obj({
      size: int,
      total: int,
      nextCursor: { type: ['string', 'null'], description: 'opaque; pass as `cursor` with the same filters and sort for the next page (null: last page)' },
      partial: { type: 'boolean' },
      items: { type: 'array', items: ref('Contract') },
    }),
    HistoryEntry: obj({
      at: strOrNull,
      author: { anyOf: [obj({ id: str, name: strOrNull }), { type: 'null' }] },
      globalNo: strOrNull,
      kind: { enum: ['REGISTER', 'MODIFY'] },
      outcome: { enum: ['IN_PROGRESS', 'DONE', 'ROLLED_BACK'] },
      changes: { type: 'array', items: obj({ field: str, before: {}, after: {} }) },
    }),
    ContractHistory: obj({ saPponContNo: int, partial: { type: 'boolean' }, entries: { type: 'array', items: ref('HistoryEntry'), description: 'newest first' }, ppon: { type: ['array', 'null'], items: row }, inetaplca: { type: ['array', 'null'], items: row }, intelnet: { type: ['array', 'null'], items: row } }),
    SagaAccepted: obj({ globalNo: str, state: { const: 'START' }, accepted: { const: true }, statusUrl: str, eventsUrl: str }),
    SagaOutcome: { type: 'object', required: ['globalNo', 'state'], additionalProperties: true, properties: { globalNo: str, state: { const: 'END' }, saPponContNo: int, saInetaplcaContNo: int, saIntelnetContNo: int } },
    SagaStep: { type: 'object', additionalProperties: true, properties: { participant: str, action: str, attempt: int, outcome: str, durationMs: int, error: strOrNull, startedAt: str } },
    Saga: { type: 'object', required: ['state'], additionalProperties: true, properties: { globalNo: str, kind: { enum: ['reg', 'amd'] }, mode: { enum: ['api', 'event'] }, state: { enum: ['START', 'COMPENSATING', 'END', 'CANCEL'] }, message: strOrNull, saPponContNo: { type: ['integer', 'null'] }, steps: { type: 'array', items: ref('SagaStep') } } },
    File: obj({ id: str, name: str, size: int, kind: str, contentType: str, createdAt: { type: 'string', format: 'date-time' } }),
    Document: obj({ id: str, name: str, size: int, kind: str, contentType: str, createdAt: { type: 'string', format: 'date-time' }, contractNo: int, uploadedBy: str }),
    DocumentList: obj({ items: { type: 'array', items: ref('Document') } }),
    FileList: obj({ items: { type: 'array', items: ref('File') } }),
    UserSession: obj({ id: str, app: { enum: ['pc', 'mobile', null] }, startedAt: strOrNull, lastSeenAt: strOrNull, browser: str, current: { type: 'boolean' } }),
    UserSessions: obj({ sessions: { type: 'array', items: ref('UserSession') } }),
    SessionsEnded: obj({ ended: int }),
    ...(app === 'mobile' ? { Home: obj({ user: obj({ sub: str, name: str }), menu: { type: 'array', items: ref('MenuItem') }, recent: obj({ total: int, partial: { type: 'boolean' }, items: { type: 'array', items: ref('ContractBase') } }) }) } : {}),
  };
}

/** `text/event-stream` of a saga: each event type and what its `data:` holds. */
const sagaEventsDescription = `Server-sent events until the saga ends. Every event has an \`id:\` (\`<steps sent>-<state>\`); reconnecting with \`Last-Event-ID\` (or \`?lastEventId=\`, for a fresh EventSource) resumes after it without replay (204 once the end was delivered, so the browser stops); \`retry:\` is set; an instance that shuts down ends the stream with a \`reconnect\` event and \`retry: 250\`, and the browser reconnects to another instance; after \`end\`, \`timeout\` or \`failure\` the stream closes. Event types: ${Object.entries(SAGA_EVENT_TYPES).map(([k, v]) => `\`${k}\` — ${v}`).join('; ')}.`;

function operations(app: BffAppName): Record<string, Record<string, Op>> {
  return {
    '/bff/login': { get: { summary: 'Start the SSO login (code + PKCE); 302 to the identity provider. `returnTo` must resolve to this origin; `prompt=none` is the silent login (a refusal comes back as `returnTo?login_error=login_required`)', public: true, responses: { 302: 'to the SSO', 400: 'INVALID_RETURN_URL or VALIDATION_FAILED' } } },
    '/bff/callback': { get: { summary: 'The SSO returns here with the authorization code; the session id is regenerated and the browser sent to `returnTo`', public: true, responses: { 302: 'to returnTo', 401: 'LOGIN_FAILED', 503: 'SSO_UNAVAILABLE / SESSION_STORE_UNAVAILABLE' } } },
    '/bff/backchannel-logout': { post: { summary: "The SSO's back-channel logout (form field `logout_token`): ends every BFF session of that SSO session", public: true, responses: { 200: { d: 'sessions ended (empty body)', type: 'text/plain', s: { type: 'string', maxLength: 0 } }, 400: 'LOGOUT_TOKEN_INVALID' } } },
    '/healthz': { get: { summary: 'The process runs', public: true, responses: { 200: { d: 'up', s: obj({ status: { const: 'ok' } }) } } } },
    '/readyz': { get: { summary: 'What the app depends on answers (Redis, SSO discovery)', public: true, responses: { 200: { d: 'ready', s: 'Readiness' }, 503: { d: 'not ready', s: 'Readiness' } } } },
    '/metrics': { get: { summary: 'Prometheus metrics', public: true, responses: { 200: { d: 'exposition format', type: 'text/plain', s: { type: 'string' } } } } },
    '/bff/user': { get: { summary: 'The user `{ sub, name, roles, claims, session: { expiresAt, absoluteExpiresAt, expiresIn: { idle, absolute } }, logoutUrl }`; `?slide=false` does not extend the session', responses: { 200: { d: 'the user', s: 'User' }, 401: 'SESSION_REQUIRED / SESSION_EXPIRED' } } },
    '/bff/logout': { get: { summary: "Navigate here (the `logoutUrl` of /bff/user, with its `sid`): ends the session, revokes the refresh token, 302 to the SSO's end-session endpoint", public: true, responses: { 302: 'to the SSO', 400: 'LOGOUT_SID_INVALID' } } },
    '/bff/sessions': {
      get: { summary: "The user's live sessions in both apps (opaque ids, never usable as a cookie; `current` marks this one)", responses: { 200: { d: 'sessions', s: 'UserSessions' }, 401: 'SESSION_REQUIRED / SESSION_EXPIRED' } },
      delete: { summary: 'Sign out everywhere else: ends every other session of the user (both apps), their refresh tokens revoked at the SSO', csrf: true, responses: { 200: { d: 'how many ended', s: 'SessionsEnded' }, 401: 'SESSION_REQUIRED / CSRF_REQUIRED' } },
    },
    '/bff/sessions/{id}': { delete: { summary: 'Ends one of the user\'s sessions (its refresh token revoked at the SSO)', csrf: true, params: ['id'], responses: { 204: 'ended', 400: 'VALIDATION_FAILED', 404: 'NOT_FOUND (not a session of this user)' } } },
    '/bff/users/{sub}/sessions': { delete: { summary: 'Operator (SESSION_ADMIN_ROLE): ends every session of a user in both apps; audited in the log', csrf: true, params: ['sub'], responses: { 200: { d: 'how many ended', s: 'SessionsEnded' }, 403: 'FORBIDDEN' } } },
    '/api/menu': { get: { summary: `The ${app} menu tree`, responses: { 200: { d: 'menu', s: 'Menu' } } } },
    '/api/session/profile': {
      get: { summary: "The user's preferences kept in the session", responses: { 200: { d: 'profile', s: 'Profile' } } },
      patch: { summary: 'Change preferences', csrf: true, body: profilePatchSchema, responses: { 200: { d: 'profile', s: 'Profile' }, 400: 'VALIDATION_FAILED' } },
    },
    '/api/contracts': {
      get: {
        summary: 'A page of contracts from the contract view (the read model fed by the three services\' events; it may lag them by a moment): contractor and payer by prefix, service and card number exactly, state, registration date range (`from` inclusive, `to` exclusive; a day as `to` includes it), sort and order, keyset paging with `cursor`',
        query: contractListQuery,
        responses: { 200: { d: 'page', s: 'ContractPage' }, 400: 'VALIDATION_FAILED (also a cursor of another query)', 502: 'the contract view failed' },
      },
      post: { summary: 'Register a contract (saga). api mode: 201 with the outcome or 409 SAGA_FAILED; event mode: 202 + Location', csrf: true, body: registerContractBody, responses: { 201: { d: 'saga ended END', s: 'SagaOutcome' }, 202: { d: 'event mode: accepted, follow Location', s: 'SagaAccepted' }, 409: 'SAGA_FAILED (CANCEL, or COMPENSATING while a compensation is still being retried)', 400: 'VALIDATION_FAILED / DRILL_NOT_ALLOWED' } },
    },
    '/api/contracts/{pponContNo}': {
      get: { summary: app === 'pc' ? 'One contract, full rows of ppon, inetaplca and intelnet' : 'One contract as a compact card', params: ['pponContNo'], responses: { 200: { d: 'view, live from the three services (partial: true when MS2/MS3 failed; viewBehind)', s: 'ContractDetail' }, 404: 'NOT_FOUND', 502: 'MS1 failed', 504: 'MS1 too slow' } },
      put: { summary: 'Modify a contract (saga), same modes as register', csrf: true, params: ['pponContNo'], body: modifyContractBody, responses: { 200: { d: 'saga ended END', s: 'SagaOutcome' }, 202: { d: 'event mode: accepted', s: 'SagaAccepted' }, 409: 'SAGA_FAILED / SAGA_IN_PROGRESS', 404: 'NOT_FOUND' } },
    },
    '/api/contracts/{pponContNo}/history': { get: { summary: "What changed, when, by whom, in which saga (`entries`), and the three services' history rows (a part that could not be read is null, `partial: true`)", params: ['pponContNo'], responses: { 200: { d: 'history', s: 'ContractHistory' }, 404: 'NOT_FOUND' } } },
    '/api/sagas/{globalNo}': { get: { summary: "A saga's state and steps from MS1's saga log", params: ['globalNo'], responses: { 200: { d: 'saga', s: 'Saga' }, 404: 'NOT_FOUND' } } },
    '/api/sagas/{globalNo}/events': { get: { summary: 'Server-sent events (`step`, `state`, `end`, `timeout`, `failure`) until the saga ends', params: ['globalNo'], responses: { 200: { d: sagaEventsDescription, type: 'text/event-stream', s: { type: 'string', description: 'event: <type>\\nid: <id>\\ndata: <JSON>' } }, 204: 'Last-Event-ID says the end was already delivered: nothing more to send', 404: 'NOT_FOUND' } } },
    ...(app === 'mobile' ? { '/api/home': { get: { summary: 'Home screen in one call: user, menu and recent contracts (from the contract view)', responses: { 200: { d: 'home', s: 'Home' } } } } } : {}),
    '/api/contracts/{pponContNo}/documents': {
      get: { summary: "A contract's documents (who may read the contract)", params: ['pponContNo'], responses: { 200: { d: 'list', s: 'DocumentList' }, 403: 'FORBIDDEN', 404: 'NOT_FOUND' } },
      post: { summary: 'Attach a document (multipart, field `file`; who may change the contract)', csrf: true, params: ['pponContNo'], responses: { 201: { d: 'document', s: 'Document' }, 403: 'FORBIDDEN', 404: 'NOT_FOUND', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' } },
    },
    '/api/contracts/{pponContNo}/documents/{id}': {
      get: { summary: 'Download a document (streamed, Range supported)', params: ['pponContNo', 'id'], responses: { 200: { d: 'content', type: 'application/octet-stream', s: { type: 'string', format: 'binary' } }, 206: { d: 'range', type: 'application/octet-stream', s: { type: 'string', format: 'binary' } }, 404: 'NOT_FOUND' } },
      delete: { summary: 'Delete a document (who may change the contract)', csrf: true, params: ['pponContNo', 'id'], responses: { 204: 'deleted', 403: 'FORBIDDEN', 404: 'NOT_FOUND' } },
    },
    '/api/files': {
      get: { summary: "The user's own files", responses: { 200: { d: 'list', s: 'FileList' } } },
      post: { summary: 'Upload (multipart, field `file`)', csrf: true, responses: { 201: { d: 'file', s: 'File' }, 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' } },
    },
    '/api/files/{id}': {
      get: { summary: 'Download (streamed, Range supported)', params: ['id'], responses: { 200: { d: 'content', type: 'application/octet-stream', s: { type: 'string', format: 'binary' } }, 206: { d: 'range', type: 'application/octet-stream', s: { type: 'string', format: 'binary' } }, 404: 'NOT_FOUND' } },
      delete: { summary: 'Delete', csrf: true, params: ['id'], responses: { 204: 'deleted', 404: 'NOT_FOUND' } },
    },
    '/api/openapi.json': { get: { summary: 'This document', responses: { 200: { d: 'OpenAPI 3.1', s: { type: 'object' } } } } },
  };
}

/** Every route's responses: a problem body for errors, the named schema for successes. */
function responsesOf(op: Op) {
  return Object.fromEntries(
    Object.entries(op.responses).map(([status, r]) => {
      const { d, s, type } = typeof r === 'string' ? { d: r, s: undefined, type: undefined } : r;
      if (Number(status) >= 400 && !s) return [status, { description: d, content: problem }];
      if (!s) return [status, { description: d }];
      return [status, { description: d, content: { [type ?? 'application/json']: { schema: typeof s === 'string' ? ref(s) : s } } }];
    }),
  );
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
        responses: responsesOf(op),
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: `Contract BFF (${app})`, version: '0.1.0', description: 'Session cookie auth (log in at /bff/login). State-changing calls need `X-CSRF: 1`. Errors are application/problem+json.' },
    paths,
    components: { schemas: responseSchemas(app) },
  };
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The docs page: Swagger UI from the swagger-ui-dist package (no CDN), with a plain list for readers without script. */
function docsPage(doc: Record<string, unknown>, specUrl: string): string {
  const info = doc.info as { title: string; description: string };
  const rows = Object.entries(doc.paths as Record<string, Record<string, { summary: string }>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => `<li><code>${method.toUpperCase()} ${escape(path)}</code> — ${escape(op.summary)}</li>`),
  );
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(info.title)}</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head><body>
<main><div id="swagger-ui" data-spec="${escape(specUrl)}"></div>
<noscript><h1>${escape(info.title)}</h1><p>${escape(info.description)} Machine-readable: <a href="${escape(specUrl)}">${escape(specUrl)}</a>.</p><ul>${rows.join('')}</ul></noscript></main>
<script src="/docs/assets/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body></html>`;
}

// Kept in a file of its own: the BFF's Content-Security-Policy allows no inline script.
const INIT = `window.ui = SwaggerUIBundle({ url: document.getElementById('swagger-ui').dataset.spec, dom_id: '#swagger-ui', deepLinking: true });`;

/** The public docs at `/docs/`: Swagger UI and the document it shows, no session needed. */
export function openApiDocsRoutes(app: BffAppName): Router {
  const doc = buildOpenApi(app);
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(doc);
  });
  router.get('/init.js', (_req, res) => {
    res.type('js').set('cache-control', 'no-cache').send(INIT);
  });
  router.use('/assets', express.static(path.dirname(require.resolve('swagger-ui-dist/package.json')), { index: false, maxAge: '1d' }));
  router.get('/', (_req, res) => {
    res.type('html').send(docsPage(doc, '/docs/openapi.json'));
  });
  return router;
}

/** `/api/openapi.json` and the same docs page at `/api/docs`. */
export function openApiRoutes(app: BffAppName): Router {
  const doc = buildOpenApi(app);
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(doc);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(docsPage(doc, '/api/openapi.json'));
  });
  return router;
}
