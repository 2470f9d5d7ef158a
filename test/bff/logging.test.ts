import { Writable } from 'node:stream';
import request from 'supertest';
import { reserveServer, testPrefix } from '../support/bff';
import { createLogger } from '../../lib/http/logger';
import { startDevSso, type DevSso } from '../support/dev-sso';
import { DEMO, loginVia } from '../support/login';
import { loadBffConfig } from '../../config/bff-config';
import { buildBffRuntime } from '../../core/runtime/build-bff-runtime';
import { createPcApp } from '../../bff-pc/app';

describe('logs: every line of a request carries its globalNo, and no secret is ever logged', () => {
  let sso: DevSso;
  const lines: Record<string, unknown>[] = [];

  afterAll(async () => sso?.stop());

  it('tags request lines with the globalNo and never logs cookies, tokens or codes', async () => {
    const reserved = await reserveServer();
    sso = await startDevSso([{ app: 'pc', url: reserved.url }]);
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) });
    const logger = createLogger({ name: 'bff-pc', level: 'debug' }, sink);
    const config = loadBffConfig('pc', { NODE_ENV: 'test', PORT: reserved.url.split(':').pop(), PUBLIC_URL: reserved.url, SSO_ISSUER: sso.issuer, SESSION_PREFIX: `${testPrefix}log:` });
    // the app's own logger factory, writing to a sink the test can read
    const runtime = await buildBffRuntime(config, logger);
    reserved.server.on('request', createPcApp(runtime));
    try {
      const { bff, callback } = await loginVia(reserved.url, request.agent(sso.issuer), sso.issuer, DEMO);
      const cookie = (callback.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('bff.pc.sid='))!.split(';')[0].split('=')[1];
      await bff.get('/api/menu').set('x-global-no', 'LOG-TEST-000001').expect(200);
      await bff.patch('/api/session/profile').set('x-global-no', 'LOG-TEST-000002').send({}).expect(401);

      const ofRequest = lines.filter((l) => l.globalNo === 'LOG-TEST-000001');
      expect(ofRequest.length).toBeGreaterThan(0);
      expect(ofRequest.every((l) => (l.req as { path?: string } | undefined)?.path === '/api/menu' || l.req === undefined)).toBe(true);
      expect(lines.some((l) => l.globalNo === 'LOG-TEST-000002' && (l.res as { statusCode: number } | undefined)?.statusCode === 401)).toBe(true);

      const all = lines.map((l) => JSON.stringify(l)).join('\n');
      expect(all).not.toContain(decodeURIComponent(cookie).slice(2, 20));
      expect(all).not.toMatch(/code=|state=|id_token|eyJ[\w-]{10,}\./);
      expect(all).not.toMatch(/dev-only-/);
    } finally {
      reserved.server.closeAllConnections();
      reserved.server.close();
      await runtime.close();
    }
  });
});
