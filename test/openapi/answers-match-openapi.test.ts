import request from 'supertest';
import { loadBffConfig } from '../../config/bff-config';
import { buildBffRuntime } from '../../core/runtime/build-bff-runtime';
import { createPcApp } from '../../bff-pc/app';
import { createMobileApp } from '../../bff-mobile/app';
import { createLogger } from '../../lib/http/logger';
import { dropTestData, type ThreeServices } from '../services/support/service-harness';
import { startSystemWithServices, type BffSystem } from '../support/system';
import type { RunningContractView } from '../../services/contract-view/run-contract-view';
import type { RunningBff } from '../support/bff';
import { testPrefix } from '../support/bff';
import { filesEnv } from '../files/support/files-env';
import { openApiConformance } from '../support/openapi-conformance';
import { expressRoutes } from '../support/express-routes';
import { validContract } from '../support/valid-contract';
import type { Express } from 'express';
import { pponService } from '../../services/ppon/service';
import { inetaplcaService } from '../../services/inetaplca/service';
import { intelnetService } from '../../services/intelnet/service';
import { createContractViewApp } from '../../services/contract-view/app';

/**
 * Every route of both BFF apps, the three services and the contract view is in its generated
 * OpenAPI document and every documented route is served (read from the Express router), and real
 * answers of every route — successes and refusals — match the documented status, content type
 * and schema (ajv). The documents are made from the routes' own declarations (lib/openapi/).
 */
describe('OpenAPI: each app publishes its document, and real answers of every route match it', () => {
  let sys: BffSystem;
  let services: ThreeServices;
  let view: RunningContractView;
  const files = filesEnv();

  beforeAll(async () => {
    ({ sys, services, view } = await startSystemWithServices({ env: files }));
  });
  afterAll(async () => {
    await sys?.close();
    await view?.close();
    await services?.close();
    await dropTestData();
  });

  /** The routes the Express router serves that are not API: the Swagger UI page and its assets (routes/openapi/openapi-docs-routes.ts). */
  const NOT_API = ['GET /docs', 'GET /docs/init.js', 'GET /api/docs'];
  const documented = (doc: { paths: Record<string, object> }) => Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();

  it.each(['pc', 'mobile'] as const)('%s: every route the router serves is in the document, and every documented route is served', async (app) => {
    const config = loadBffConfig(app, { NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '1', PUBLIC_URL: 'http://127.0.0.1:1', SESSION_PREFIX: `${testPrefix}openapi:`, ...files });
    const runtime = await buildBffRuntime(config, createLogger({ name: 'openapi', level: 'silent' }));
    try {
      const express = app === 'pc' ? createPcApp(runtime) : createMobileApp(runtime);
      const doc = (await request(express).get('/docs/openapi.json').expect(200)).body;
      // The rate limits run as their own layer on the routes they guard (routes/create-bff-app.ts): same method and path.
      const served = expressRoutes(express).filter((r) => !NOT_API.includes(r) && !r.includes('/<'));
      expect(served).toEqual(documented(doc));
      expect(doc.paths['/api/home'] !== undefined).toBe(app === 'mobile');
    } finally {
      await runtime.close();
    }
  });

  it('both BFF apps: answers of every route match the document', async () => {
    const withCsrf = { 'X-CSRF': '1' };
    for (const bff of [sys.pc, sys.mobile] as RunningBff[]) {
      const doc = (await request(bff.url).get('/docs/openapi.json').expect(200)).body;
      const { seen, failures, unseen } = openApiConformance(`bff-${bff.app}`, doc);
      const anonymous = request.agent(bff.url);
      const agent = await sys.login(bff);
      const other = await sys.login(bff);
      const park = await sys.login(bff, { username: 'park', password: 'park1234' });

      for (const path of ['/healthz', '/readyz', '/metrics', '/docs/openapi.json']) seen(await anonymous.get(path));
      seen(await agent.get('/api/openapi.json'));
      seen(await anonymous.get('/bff/login?returnTo=/'));
      seen(await anonymous.get('/bff/login?returnTo=https://evil.example/'));
      seen(await anonymous.get('/bff/callback'));
      seen(await anonymous.get('/bff/user'));
      seen(await agent.get('/bff/user'));
      seen(await anonymous.get('/bff/logout?sid=nope'));
      seen(await anonymous.post('/bff/backchannel-logout').type('form').send({ logout_token: 'not-a-token' }));
      seen(await agent.get('/bff/sessions'));
      seen(await agent.get('/bff/diagnostics'));
      seen(await agent.delete('/bff/sessions/0123456789abcdef0123').set(withCsrf));
      seen(await park.delete('/bff/users/demo/sessions').set(withCsrf));
      seen(await agent.get('/api/menu'));
      seen(await agent.get('/api/session/profile'));
      seen(await agent.patch('/api/session/profile').set(withCsrf).send({ pageSize: 50 }));
      seen(await agent.patch('/api/session/profile').set(withCsrf).send({ pageSize: 'many' }));

      const created = seen(await agent.post('/api/contracts').set(withCsrf).send({ contract: validContract() }));
      expect(created.status).toBe(201);
      const no = created.body.saPponContNo as number;
      seen(await agent.post('/api/contracts').set(withCsrf).send({ contract: validContract(), mode: 'event' }));
      seen(await agent.post('/api/contracts').set(withCsrf).send({ contract: { contr: '' } }));
      seen(await agent.put(`/api/contracts/${no}`).set(withCsrf).send({ contract: { payr: '이순신' } }));
      seen(await agent.get(`/api/contracts/${no}`));
      seen(await agent.get('/api/contracts/2147483000'));
      seen(await agent.get('/api/contracts?size=5'));
      seen(await agent.get('/api/contracts?sort=nothing'));
      seen(await agent.get(`/api/contracts/${no}/history`));
      seen(await agent.get('/api/sagas?size=5'));
      seen(await agent.get('/api/sagas?state=NOPE'));
      seen(await agent.get(`/api/sagas/${created.body.globalNo}`));
      seen(await agent.get(`/api/sagas/${created.body.globalNo}/events`).buffer(true).parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => done(null, text));
      }));
      if (bff.app === 'mobile') seen(await agent.get('/api/home'));

      const upload = seen(await agent.post('/api/files').set(withCsrf).attach('file', Buffer.from('%PDF-1.4\n%%EOF\n'), 'a.pdf'));
      expect(upload.status).toBe(201);
      seen(await agent.get('/api/files'));
      seen(await agent.get(`/api/files/${upload.body.id}`).buffer(true));
      seen(await agent.delete(`/api/files/${upload.body.id}`).set(withCsrf));
      seen(await agent.get(`/api/files/${upload.body.id}`));
      const docs = `/api/contracts/${no}/documents`;
      const attached = seen(await agent.post(docs).set(withCsrf).attach('file', Buffer.from('%PDF-1.4\n%%EOF\n'), 'b.pdf'));
      expect(attached.status).toBe(201);
      seen(await agent.get(docs));
      seen(await agent.get(`${docs}/${attached.body.id}`).buffer(true));
      seen(await agent.delete(`${docs}/${attached.body.id}`).set(withCsrf));

      // Last: another session of the same user signs out everywhere else, this one included.
      seen(await other.delete('/bff/sessions').set(withCsrf));

      expect(failures).toEqual([]);
      expect(unseen()).toEqual([]);
    }
  });

  it('the three services and the contract view: each publishes GET /openapi.json, its router matches it, and answers of every route match it', async () => {
    const user = `Bearer ${await sys.sso.userToken('ops')}`;
    const saga = `Bearer ${await sys.sso.clientToken('contract-ppon')}`;
    // Each service's app built again from its running dependencies (nothing listens): its router, read.
    const apps = {
      ppon: pponService.createApp(services.ppon.deps),
      inetaplca: inetaplcaService.createApp(services.inetaplca.deps),
      intelnet: intelnetService.createApp(services.intelnet.deps),
      'contract-view': createContractViewApp(view.deps),
    };
    for (const [name, url] of [['ppon', services.ppon.url], ['inetaplca', services.inetaplca.url], ['intelnet', services.intelnet.url], ['contract-view', view.url]] as const) {
      const doc = (await request(url).get('/openapi.json').expect(200)).body;
      expect(doc.openapi).toBe('3.1.0');
      expect(expressRoutes(apps[name] as Express)).toEqual(documented(doc));
      const { seen, failures, unseen } = openApiConformance(name, doc);
      const as = (bearer: string) => ({ authorization: bearer });
      for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json']) seen(await request(url).get(path));
      if (name === 'contract-view') {
        seen(await request(url).get('/view/contracts?size=3').set(as(user)));
        seen(await request(url).get('/view/contracts?sort=nothing').set(as(user)));
        const first = (await request(url).get('/view/contracts?size=1').set(as(user))).body.items[0];
        const no = first?.ppon?.saPponContNo ?? 1;
        seen(await request(url).get(`/view/contracts/${no}`).set(as(user)));
        seen(await request(url).get('/view/contracts/2147483000').set(as(user)));
        seen(await request(url).get('/view/lag').set(as(user)));
      } else {
        seen(await request(url).get('/cont'));
        const payload = { contr: '김민수', payr: '김민수', svcNo: '010-1234-5678', cardNo: '4111111111111111' };
        let no: number;
        if (name === 'ppon') {
          const reg = seen(await request(url).post('/cont/regSagaApi').set(as(user)).set('x-global-no', `oa-${Date.now()}-r`).send({ pponContPayload: payload }));
          expect(reg.status).toBe(201);
          no = reg.body.saPponContNo;
          seen(await request(url).post('/cont/amdSagaApi').set(as(user)).set('x-global-no', `oa-${Date.now()}-a`).send({ pponContPayload: { saPponContNo: no, payr: '이순신' } }));
          seen(await request(url).post('/cont/regSagaApi').set(as(user)).send({ pponContPayload: { contr: '' } }));
          const event = seen(await request(url).post('/cont/regPubsub').set(as(user)).set('x-global-no', `oa-${Date.now()}-p`).send({ pponContPayload: payload }));
          seen(await request(url).post('/cont/amdPubsub').set(as(user)).send({ pponContPayload: { saPponContNo: no, payr: '유관순' } }));
          seen(await request(url).post('/cont/regPubsubCompensate').set(as(user)).send({ pponContPayload: payload }));
          seen(await request(url).post('/cont/amdPubsubCompensate').set(as(user)).send({ pponContPayload: { saPponContNo: no, payr: '안중근' } }));
          seen(await request(url).get('/sagas?state=END&limit=5').set(as(user)));
          seen(await request(url).get('/sagas?state=NOPE').set(as(user)));
          seen(await request(url).get(`/sagas/${reg.body.globalNo}`).set(as(user)));
          seen(await request(url).get('/sagas/no-such-saga-0000').set(as(user)));
          seen(await request(url).post(`/sagas/${reg.body.globalNo}/retry`).set(as(user)));
          seen(await request(url).get('/sagas/dead-letters').set(as(user)));
          seen(await request(url).get('/metrics/saga').set(as(user)));
          expect(event.status).toBe(202);
        } else {
          const envelope = `${name}ContPayload`;
          const own = name === 'inetaplca' ? 'saInetaplcaContNo' : 'saIntelnetContNo';
          const step = (path: string, body: object, globalNo: string) => request(url).post(path).set(as(saga)).set('x-global-no', globalNo).send({ [envelope]: body });
          const g = `oa-${name}-${Date.now()}`;
          const reg = seen(await step('/cont/regSagaApi', { ...payload, saPponContNo: 2_000_000_000 }, `${g}-r`));
          no = reg.body[own] ?? 1;
          seen(await step('/cont/amdSagaApi', { [own]: no, payr: '이순신' }, `${g}-a`));
          seen(await step('/cont/amdSagaApiConpensating', { [own]: no }, `${g}-a`));
          seen(await step('/cont/regSagaApiConpensating', { [own]: no }, `${g}-r`));
          seen(await step('/cont/regSagaApi', { contr: '' }, `${g}-x`));
        }
        seen(await request(url).get('/cont?size=3').set(as(user)));
        seen(await request(url).get('/cont?size=0').set(as(user)));
        seen(await request(url).get(`/cont/${no}`).set(as(user)));
        seen(await request(url).get('/cont/2147483000').set(as(user)));
        seen(await request(url).get(`/cont/${no}/history`).set(as(user)));
      }
      expect(failures).toEqual([]);
      expect(unseen()).toEqual([]);
    }
  });
});
