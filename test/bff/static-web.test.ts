import request from 'supertest';
import fs from 'node:fs';
import path from 'node:path';
import { useBffSystem } from '../support/system';
import { buildScreensIfStale } from '../support/build-screens';
import { webDistDir } from '../../routes/static-web';

describe('each BFF serves its screens at / (built SPA, caching, fallback) and public API docs', () => {
  beforeAll(() => buildScreensIfStale(), 120_000);
  const sys = useBffSystem();

  const html = (url: string, p: string) => request(url).get(p).set('accept', 'text/html,application/xhtml+xml');

  it('answers / and the SPA routes (including /signed-out) with index.html, never stored', async () => {
    for (const [bff, title] of [
      [sys.pc, 'Contract desk'],
      [sys.mobile, 'My contracts'],
    ] as const) {
      for (const p of ['/', '/signed-out', '/contracts/12', '/files?x=1']) {
        const res = await html(bff.url, p).expect(200);
        expect(res.headers['content-type']).toMatch(/text\/html/);
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.text).toContain(`<title>${title}</title>`);
      }
    }
  });

  it('caches the hashed assets for a year, immutable, and 404s a missing one with a problem', async () => {
    const index = (await html(sys.pc.url, '/')).text;
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index)![1];
    const res = await request(sys.pc.url).get(asset).expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toMatch(/javascript/);
    // Production React, minified (the development build, which a test-mode build once bundled, is twice this).
    expect(res.body.length ?? Buffer.byteLength(res.text)).toBeLessThan(350_000);
    expect(fs.existsSync(path.join(webDistDir('pc'), asset))).toBe(true);
    const missing = await request(sys.pc.url).get('/assets/nope-123.js').expect(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('never answers /api, /bff or /legacy with the SPA, even for a browser navigation', async () => {
    for (const p of ['/api/nope', '/bff/nope', '/legacy/nope', '/api/contracts']) {
      const res = await html(sys.pc.url, p);
      expect([401, 404]).toContain(res.status);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    // A client that does not ask for HTML gets the 404 problem, not index.html.
    const api = await request(sys.pc.url).get('/no/such/page').expect(404);
    expect(api.headers['content-type']).toMatch(/problem\+json/);
    // A script or image that is not there is a 404, not index.html.
    const img = await request(sys.pc.url).get('/favicon.ico').set('accept', 'image/*').expect(404);
    expect(img.headers['content-type']).toMatch(/problem\+json/);
  });

  it('lets anyone open the API docs (Swagger UI from npm, no CDN) with response schemas for every route', async () => {
    const page = await html(sys.mobile.url, '/docs/').expect(200);
    expect(page.text).toContain('/docs/assets/swagger-ui-bundle.js');
    expect(page.text).not.toMatch(/https?:\/\//);
    await request(sys.mobile.url).get('/docs/assets/swagger-ui-bundle.js').expect(200).expect('content-type', /javascript/);
    await request(sys.mobile.url).get('/docs/init.js').expect(200);

    const doc = (await request(sys.pc.url).get('/docs/openapi.json').expect(200)).body;
    const missing: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (status === '204' || status === '302') continue;
          const schema = Object.values(response.content ?? {})[0]?.schema;
          if (!schema) missing.push(`${method.toUpperCase()} ${p} ${status}`);
        }
      }
    }
    expect(missing).toEqual([]);
    const events = doc.paths['/api/sagas/{globalNo}/events'].get.responses['200'];
    expect(Object.keys(events.content)).toEqual(['text/event-stream']);
    for (const type of ['step', 'state', 'end', 'timeout', 'failure']) expect(events.description).toContain(`\`${type}\``);
    expect(doc.components.schemas.User.properties.roles).toBeDefined();
  });
});
