import path from 'node:path';
import express, { Router } from 'express';
import { z } from 'zod';
import type { DocumentedRoute } from '../../lib/openapi/api-route';
import { documentedRouter } from '../../lib/openapi/documented-router';

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The docs page: Swagger UI from the swagger-ui-dist package (no CDN), with a plain list for readers without script. */
function docsPage(doc: Record<string, unknown>, specUrl: string): string {
  const info = doc.info as { title: string; description: string };
  const rows = Object.entries(doc.paths as Record<string, Record<string, { summary: string }>>).flatMap(([p, ops]) =>
    Object.entries(ops).map(([method, op]) => `<li><code>${method.toUpperCase()} ${escape(p)}</code> — ${escape(op.summary)}</li>`),
  );
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(info.title)}</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head><body>
<main><div id="swagger-ui" data-spec="${escape(specUrl)}"></div>
<noscript><h1>${escape(info.title)}</h1><p>${escape(info.description)} Machine-readable: <a href="${escape(specUrl)}">${escape(specUrl)}</a>.</p><ul>${rows.join('')}</ul></noscript></main>
<script src="/docs/assets/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body></html>`;
}

// Kept in a file of its own: the BFF's Content-Security-Policy allows no inline script.
const INIT = `window.ui = SwaggerUIBundle({ url: document.getElementById('swagger-ui').dataset.spec, dom_id: '#swagger-ui', deepLinking: true });`;

const documentBody = z.looseObject({ openapi: z.literal('3.1.0'), info: z.looseObject({}), paths: z.looseObject({}) }).meta({ id: 'OpenApiDocument' });

/**
 * The app's OpenAPI document and its Swagger UI page, at `{mountPath}/openapi.json` and
 * `{mountPath}{page}`; `documentOf` builds it from the app's declared routes (routes/create-bff-app.ts).
 * The page's assets (the same for every mount) are served under `/docs` only.
 */
export function openApiDocsRoutes(mountPath: '/docs' | '/api', documentOf: () => Record<string, unknown>, routes: DocumentedRoute[]): Router {
  const { router, route } = documentedRouter(routes, mountPath);
  const specUrl = `${mountPath}/openapi.json`;
  const isPublic = mountPath === '/docs';
  route({ method: 'get', path: '/openapi.json', summary: 'This OpenAPI 3.1 document, generated from the routes the app declares', public: isPublic, responses: { 200: { description: 'OpenAPI 3.1', schema: documentBody } } }, (_req, res) => {
    res.json(documentOf());
  });
  // The page (HTML) and its assets are not API: they are served, not documented.
  if (isPublic) {
    router.get('/init.js', (_req, res) => {
      res.type('js').set('cache-control', 'no-cache').send(INIT);
    });
    router.use('/assets', express.static(path.dirname(require.resolve('swagger-ui-dist/package.json')), { index: false, maxAge: '1d' }));
  }
  router.get(isPublic ? '/' : '/docs', (_req, res) => {
    res.type('html').send(docsPage(documentOf(), specUrl));
  });
  return router;
}
