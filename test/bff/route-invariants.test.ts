import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import request from 'supertest';
import type { Express } from 'express';
import { createPcApp } from '../../bff-pc/app';
import { createMobileApp } from '../../bff-mobile/app';
import { inetaplcaService } from '../../services/inetaplca/service';
import { intelnetService } from '../../services/intelnet/service';
import { pponService } from '../../services/ppon/service';
import { loadContractViewConfig } from '../../config/contract-view-config';
import { startContractView, type RunningContractView } from '../../services/contract-view/run-contract-view';
import { createContractViewApp } from '../../services/contract-view/app';
import { dropTestData, startThreeServices, viewTestEnv, type ThreeServices } from '../services/support/service-harness';
import { writeRoutesFile } from '../proxy/support/legacy-routes-file';
import { testPrefix, type RunningBff } from '../support/bff';
import type { Agent } from '../support/login';
import { routeTable, type DeclaredRoute } from '../support/route-table';
import { startBffSystem, type BffSystem } from '../support/system';

/**
 * The README's two promises checked on every route there is, not on a list: the routes are read
 * from the apps' own router stacks (test/support/route-table.ts), so a route added tomorrow is
 * checked tomorrow. For every state-changing route of both apps (and every session row of the
 * routing table): without `X-CSRF` → 401 CSRF_REQUIRED and no row, key, file or event changed.
 * For every route of every service: without a token → 401 and nothing changed.
 */
jest.setTimeout(120_000);

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const VALID_CONTRACT = { contr: '김민수', payr: '김민수', svcNo: '010-1234-5678', cardNo: '4111-1111-1111-1111', saler: '서울 지점' };

/**
 * State-changing routes that a browser never calls, each with why it needs no `X-CSRF` and what
 * proves the caller instead. Anything else without the check fails this test.
 */
const NOT_BROWSER_CALLED: Record<string, string> = {
  'POST /bff/backchannel-logout': 'called by the SSO server, not a browser; authenticated by its signed logout token (test/bff/backchannel-logout.test.ts)',
};
/** Service routes that answer without a token, and why that is safe. */
const SERVICE_PROBES: Record<string, string> = {
  'GET /healthz': 'liveness probe: answers "ok" and nothing else',
  'GET /readyz': 'readiness probe for the orchestrator: names no contract',
  'GET /metrics': "Prometheus's scrape (README: metrics an operator alerts on): counts and durations, no contract; /metrics/saga needs a token",
  'GET /openapi.json': 'the service\'s API description, generated from its route declarations: shapes, no data (docs/http-api.md)',
};
/** Routes that end the caller's own sessions: scanned last, once everything else has been read with the session. */
const ENDS_SESSIONS = (path: string) => path.startsWith('/bff/sessions') || path.startsWith('/bff/users/');

const redis = new Redis('redis://127.0.0.1:6379');
const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bff-invariants-files-'));
afterAll(async () => {
  redis.disconnect();
  fs.rmSync(filesDir, { recursive: true, force: true });
  await dropTestData();
});

/** A stand-in legacy app that records every request it receives (so "nothing reached it" is checkable). */
function recordingLegacy() {
  const received: string[] = [];
  // It answers with the headers it got: a token forwarded to it would come back to the browser.
  const server = http.createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: true, headers: req.headers }));
  });
  // A WebSocket upgrade gets its 101 and one text frame carrying the same.
  const upgraded = new Set<import('node:stream').Duplex>();
  server.on('upgrade', (req, socket) => {
    received.push(`UPGRADE ${req.url}`);
    upgraded.add(socket);
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    const text = Buffer.from(JSON.stringify({ headers: req.headers }));
    const head = text.length < 126 ? Buffer.from([0x81, text.length]) : Buffer.from([0x81, 126, text.length >> 8, text.length & 0xff]);
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.write(Buffer.concat([head, text]));
  });
  return {
    received,
    start: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    close: () => {
      upgraded.forEach((socket) => socket.destroy());
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('invariants generated from the route tables (both apps, the routing table, every service)', () => {
  let services: ThreeServices;
  let view: RunningContractView;
  let sys: BffSystem;
  let pc: Agent;
  let mobile: Agent;
  const legacy = recordingLegacy();
  const routesFile = writeRoutesFile([
    { path: '/legacy/app', target: '${LEGACY_APP_URL}', timeoutMs: 5_000, auth: 'session', websocket: true },
    { path: '/legacy/open', target: '${LEGACY_APP_URL}', timeoutMs: 5_000, auth: 'public' },
  ]);
  const env: Record<string, string> = { FILES_DIR: filesDir, FILES_PREFIX: `${testPrefix}files:`, LEGACY_ROUTES_FILE: routesFile };
  /** Real values for the routes' parameters, made in beforeAll, so that the same call with `X-CSRF` would act. */
  const params: Record<string, string> = {};

  beforeAll(async () => {
    env.LEGACY_APP_URL = await legacy.start();
    sys = await startBffSystem({
      pc: env,
      mobile: env,
      // Access tokens of 6 s, refreshed 2 s before they expire: the token scan sees refresh answers.
      sso: { SSO_ACCESS_TOKEN_TTL: '6' },
      beforeApps: async (sso) => {
        const options = { tag: 'invariants', ssoIssuer: sso.issuer };
        services = await startThreeServices('sqlite', {}, options);
        const urls = { pponUrl: services.ppon.url, inetaplcaUrl: services.inetaplca.url, intelnetUrl: services.intelnet.url };
        view = await startContractView(loadContractViewConfig(viewTestEnv('sqlite', { ...options, ...urls })));
        Object.assign(env, { PPON_URL: services.ppon.url, INETAPLCA_URL: services.inetaplca.url, INTELNET_URL: services.intelnet.url, CONTRACT_VIEW_URL: view.url });
      },
    });
    [pc, mobile] = await Promise.all([sys.login(sys.pc), sys.login(sys.mobile)]);
    const created = (await pc.post('/api/contracts').set('X-CSRF', '1').send({ contract: VALID_CONTRACT, mode: 'api' }).expect(201)).body;
    const file = (await pc.post('/api/files').set('X-CSRF', '1').attach('file', Buffer.from('%PDF-1.4\n%invariants\n'), 'invariants.pdf').expect(201)).body;
    Object.assign(params, { pponContNo: String(created.saPponContNo), globalNo: String(created.globalNo), id: String(file.id ?? file.fileId) });
  });
  afterAll(async () => {
    const timed = async (what: string, close: () => Promise<void>) => {
      const t = Date.now();
      await close();
      if (Date.now() - t > 2000) console.log(`${what} took ${Date.now() - t} ms to close`);
    };
    await timed('legacy', () => legacy.close());
    await timed('bff', async () => sys?.close());
    await timed('view', async () => view?.close());
    await timed('services', async () => services?.close());
  });

  const concrete = (route: DeclaredRoute) => route.path.replace(/:(\w+)/g, (_m, name: string) => params[name] ?? '1').replace(/\{\*\w+\}/g, 'x');

  /** Every row of the three services' contract tables and sagas, their outbox (the events), this run's Redis keys and the files. */
  async function everything(): Promise<string> {
    const tables = { ppon: ['SA_PPON_CONT', 'SA_SAGA', 'SA_OUTBOX'], inetaplca: ['SA_INETAPLCA_CONT', 'SA_OUTBOX'], intelnet: ['SA_INTELNET_CONT', 'SA_OUTBOX'] } as const;
    const rows: unknown[] = [];
    for (const [name, list] of Object.entries(tables)) for (const table of list) rows.push(await services.db(name as keyof typeof tables).selectFrom(table).selectAll().execute());
    const keys = (await redis.keys(`${testPrefix}*`)).sort();
    // Values by DUMP (not TTL): a session's expiry moving on a refused call is not a change of state.
    const values = await Promise.all(keys.map(async (k) => `${k}=${(await redis.dumpBuffer(k))?.toString('base64') ?? ''}`));
    const files = fs.readdirSync(filesDir, { recursive: true }).map(String).sort();
    return JSON.stringify({ rows, values, files });
  }
  /** The same, once nothing is moving (relays and the view settle after the setup's writes). */
  async function settledState(): Promise<string> {
    let before = await everything();
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const now = await everything();
      if (now === before) return now;
      before = now;
    }
    throw new Error('the system never came to rest');
  }

  const apps = (): [string, RunningBff, Agent, (r: BffSystem['pc']['runtime']) => Express][] => [
    ['pc', sys.pc, pc, createPcApp],
    ['mobile', sys.mobile, mobile, createMobileApp],
  ];

  test('the route table is read, not guessed: it holds the routes the README documents', () => {
    for (const [, app, , create] of apps()) {
      const table = routeTable(create(app.runtime)).map((r) => `${r.method} ${r.path}`);
      expect(table).toEqual(expect.arrayContaining(['POST /api/contracts', 'PUT /api/contracts/:pponContNo', 'POST /api/files', 'DELETE /api/files/:id', 'PATCH /api/session/profile', 'GET /api/sagas/:globalNo/events']));
    }
  });

  test('every state-changing route of both apps: without X-CSRF → 401 CSRF_REQUIRED and nothing changed', async () => {
    const checked: string[] = [];
    for (const [name, app, agent, create] of apps()) {
      for (const route of routeTable(create(app.runtime)).filter((r) => !SAFE.has(r.method))) {
        const id = `${route.method} ${route.path}`;
        if (NOT_BROWSER_CALLED[id]) continue;
        const method = route.method === '_ALL' ? 'POST' : route.method;
        const before = await settledState();
        const res = await agent[method.toLowerCase() as 'post'](concrete(route)).send({ contract: VALID_CONTRACT });
        expect([name, id, res.status, res.body.code]).toEqual([name, id, 401, 'CSRF_REQUIRED']);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        await new Promise((r) => setTimeout(r, 200));
        expect([name, id, await everything()]).toEqual([name, id, before]);
        checked.push(`${name} ${id}`);
      }
    }
    // Both apps have at least the documented ones; the count grows with every new route.
    expect(checked.length).toBeGreaterThanOrEqual(10);
  });

  test('the state-changing routes a browser never calls refuse an anonymous caller and change nothing', async () => {
    for (const [name, app, , create] of apps()) {
      for (const route of routeTable(create(app.runtime)).filter((r) => !SAFE.has(r.method) && NOT_BROWSER_CALLED[`${r.method} ${r.path}`])) {
        const before = await settledState();
        const res = await request(app.url)[route.method.toLowerCase() as 'post'](concrete(route)).type('form').send('logout_token=not-a-token');
        expect([name, route.path, res.status >= 400 && res.status < 500]).toEqual([name, route.path, true]);
        expect([name, route.path, await everything()]).toEqual([name, route.path, before]);
      }
    }
  });

  test('every session row of the routing table: a state-changing call without X-CSRF → 401, the legacy app never sees it', async () => {
    for (const [name, app, agent] of apps()) {
      // The rows the app runs with (its runtime's table), not the file this test wrote.
      const sessionRows = app.runtime.legacyRoutes.filter((r) => r.auth === 'session');
      expect(sessionRows.length).toBeGreaterThan(0);
      for (const row of sessionRows) {
        for (const method of ['post', 'put', 'patch', 'delete'] as const) {
          const seen = legacy.received.length;
          const before = await settledState();
          const res = await agent[method](`${row.path}/invoices`).send({ amount: 1 });
          expect([name, method, row.path, res.status, res.body.code]).toEqual([name, method, row.path, 401, 'CSRF_REQUIRED']);
          expect(legacy.received.slice(seen)).toEqual([]);
          expect(await everything()).toEqual(before);
        }
        // The same call with the header does reach it: the refusal above was the check, not a broken row.
        const seen = legacy.received.length;
        await agent.post(`${row.path}/invoices`).set('X-CSRF', '1').send({ amount: 1 }).expect(200);
        expect(legacy.received.slice(seen)).toEqual(['POST /invoices']);
      }
    }
  });

  test('every route of every service: without a token → 401 and nothing changed', async () => {
    // A token of the SSO these services trust (the system's), of an operator (who may read every route).
    const bearer = { authorization: `Bearer ${await sys.sso.userToken('ops')}` };
    const apps: [string, Express, string][] = [
      ['ppon', pponService.createApp(services.ppon.deps) as Express, services.ppon.url],
      ['inetaplca', inetaplcaService.createApp(services.inetaplca.deps) as Express, services.inetaplca.url],
      ['intelnet', intelnetService.createApp(services.intelnet.deps) as Express, services.intelnet.url],
      ['contract-view', createContractViewApp(view.deps), view.url],
    ];
    const serviceParams: Record<string, string> = { saPponContNo: params.pponContNo, globalNo: params.globalNo };
    let checked = 0;
    for (const [name, app, base] of apps) {
      for (const route of routeTable(app)) {
        const id = `${route.method} ${route.path}`;
        if (SERVICE_PROBES[id]) continue;
        const url = route.path.replace(/:(\w+)/g, (_m, p: string) => serviceParams[p] ?? '1').replace(/\{\*\w+\}/g, 'x');
        const method = (route.method === '_ALL' ? 'POST' : route.method).toLowerCase() as 'post';
        const before = SAFE.has(route.method) ? undefined : await settledState();
        const res = await request(base)[method](url).send({ pponContPayload: VALID_CONTRACT });
        expect([name, id, res.status, res.body.code]).toEqual([name, id, 401, 'TOKEN_REQUIRED']);
        if (before) expect([name, id, await everything()]).toEqual([name, id, before]);
        // With an operator's token the route is there (not a 401): the refusal was the token check.
        if (SAFE.has(route.method)) expect([name, id, (await request(base).get(url).set(bearer)).status]).not.toEqual([name, id, 401]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  /** Every token any session of this system holds now (access, refresh, ID), read from the store. */
  async function tokensHeld(): Promise<Set<string>> {
    const held = new Set<string>();
    for (const app of [sys.pc, sys.mobile]) {
      for (const key of await redis.keys(`${app.config.sessionPrefix}*`)) {
        if ((await redis.type(key)) !== 'string') continue; // the per-user session indexes
        const tokens = (JSON.parse((await redis.get(key)) ?? '{}') as { tokens?: Record<string, unknown> }).tokens ?? {};
        for (const value of Object.values(tokens)) if (typeof value === 'string' && value.length > 20) held.add(value);
      }
    }
    return held;
  }
  /** Every byte of an answer as the browser gets it: status, headers, body. */
  const bytesOf = (res: request.Response) => `${res.status}\n${Object.entries(res.headers).map(([k, v]) => `${k}: ${String(v)}`).join('\n')}\n\n${res.text ?? (Buffer.isBuffer(res.body) ? res.body.toString('latin1') : '')}`;

  /** The first `ms` of an answer that does not end by itself (an SSE stream, a WebSocket), raw. */
  function rawFor(url: string, requestText: string, ms: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const { hostname, port } = new URL(url);
      const socket = net.connect(Number(port), hostname === 'localhost' ? '127.0.0.1' : hostname, () => socket.write(requestText));
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('error', reject);
      setTimeout(() => {
        socket.destroy();
        resolve(Buffer.concat(chunks).toString('latin1'));
      }, ms);
    });
  }
  const cookieHeader = (agent: Agent, app: RunningBff) => {
    const jar = (agent as unknown as { jar: { getCookie(name: string, access: object): { value: string } | undefined } }).jar;
    return `${app.config.sessionCookieName}=${jar.getCookie(app.config.sessionCookieName, { domain: 'localhost', path: '/', secure: false, script: false })!.value}`;
  };

  test('no token in any byte the browser receives: every route, SSE, files, legacy rows, WebSocket frames, refresh answers', async () => {
    const seen: [string, string][] = [];
    const endingLast: (() => Promise<void>)[] = [];
    const held = new Set<string>();
    const remember = async () => (await tokensHeld()).forEach((t) => held.add(t));
    await remember();
    for (const [name, app, agent, create] of apps()) {
      const table = routeTable(create(app.runtime));
      // Every readable route (the SSE stream read raw below), then every state-changing one with its header.
      for (const route of table.filter((r) => SAFE.has(r.method) && !r.path.endsWith('/events') && r.path !== '/bff/logout')) {
        seen.push([`${name} ${route.method} ${route.path}`, bytesOf(await agent.get(concrete(route)).buffer(true))]);
      }
      const stateChanging = table.filter((r) => !SAFE.has(r.method) && !NOT_BROWSER_CALLED[`${r.method} ${r.path}`] && r.path !== '/api/files/:id');
      const send = async (route: (typeof table)[number]) => {
        const method = (route.method === '_ALL' ? 'POST' : route.method).toLowerCase() as 'post';
        seen.push([`${name} ${route.method} ${route.path}`, bytesOf(await agent[method](concrete(route)).set('X-CSRF', '1').send({ contract: { payr: '이서연' } }))]);
      };
      for (const route of stateChanging.filter((r) => !ENDS_SESSIONS(r.path))) await send(route);
      // Ending sessions (this user's, in both apps) comes after every other read of both apps.
      endingLast.push(...stateChanging.filter((r) => ENDS_SESSIONS(r.path)).map((r) => () => send(r)));
      const cookie = cookieHeader(agent, app);
      const host = new URL(app.url).host;
      // The saga's live stream (SSE), its first second.
      const sse = await rawFor(app.url, `GET /api/sagas/${params.globalNo}/events HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nAccept: text/event-stream\r\n\r\n`, 1000);
      expect(sse).toMatch(/^HTTP\/1\.1 200[^]*text\/event-stream[^]*\r\n\r\n[^]*data:/);
      seen.push([`${name} SSE`, sse]);
      // The routing table's rows: what the legacy app answers (it echoes what it was sent).
      for (const row of app.runtime.legacyRoutes) seen.push([`${name} row ${row.path}`, bytesOf(await agent.get(`${row.path}/echo`).expect(200))]);
      // A WebSocket through a session row: the 101 and the frames.
      const sessionRow = app.runtime.legacyRoutes.find((r) => r.auth === 'session')!;
      const ws = await rawFor(app.url, `GET ${sessionRow.path}/ws HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: ${app.url}\r\n\r\n`, 1000);
      expect(ws).toMatch(/^HTTP\/1\.1 101/);
      seen.push([`${name} WebSocket`, ws]);
      // Refresh answers: past a third of the token's life the next call refreshes it; that answer too.
      await remember();
      await new Promise((r) => setTimeout(r, 4500));
      seen.push([`${name} refresh answer`, bytesOf(await agent.get('/api/menu').expect(200))]);
      seen.push([`${name} after refresh`, bytesOf(await agent.get(`/api/contracts/${params.pponContNo}`))]);
    }
    const before = held.size;
    await remember();
    // The refresh happened (new tokens were issued and kept), so the scan covers both generations.
    expect(held.size).toBeGreaterThan(before);
    for (const end of endingLast) await end();
    expect(seen.length).toBeGreaterThan(30);
    for (const [what, bytes] of seen) {
      for (const token of held) expect([what, bytes.includes(token)]).toEqual([what, false]);
      expect([what, /eyJ[\w-]+\.eyJ[\w-]+\./.test(bytes)]).toEqual([what, false]);
    }
  });
});
