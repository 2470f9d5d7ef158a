import fs from 'node:fs';
import path from 'node:path';
import express, { Router, type Request } from 'express';
import type { BffAppName } from '../config/bff-config';
import { PROJECT_ROOT } from '../config/project-root';

/**
 * Where `npm run build` (and `build:web`) puts each app (web/build-web.mjs); nothing built is committed.
 * Found from the project root, so the sources (tsx) and the compiled build (`dist/routes/`) agree.
 */
export const webDistDir = (app: BffAppName) => path.join(PROJECT_ROOT, 'web', 'dist', app);

/** Paths the SPA never answers: they belong to the BFF, its API, the legacy apps or the docs. */
const NOT_SPA = /^\/(api|bff|legacy|docs|assets)(\/|$)|^\/(healthz|readyz|metrics)$/;

/**
 * A browser navigation: GET/HEAD naming `text/html` in Accept (browsers always do). A client that
 * does not ask for HTML (an API client, a fetch of a missing file) keeps getting the 404 problem.
 */
const isNavigation = (req: Request) => (req.method === 'GET' || req.method === 'HEAD') && !NOT_SPA.test(req.path) && /\btext\/html\b/.test(req.get('accept') ?? '');

/**
 * The app's single-page screens at `/` of its own origin (so the session cookie and `X-CSRF` just
 * work): hashed assets cached for a year, `index.html` never stored (it names the current assets,
 * and a page shown after sign-out must not come back from the cache), and every other navigation
 * answered with `index.html` so the SPA's own routes (`/contracts/12`, `/signed-out`) can be
 * reloaded and bookmarked.
 */
export function staticWebRoutes(app: BffAppName, dir = webDistDir(app)): Router {
  const router = Router();
  router.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }));

  const indexFile = path.join(dir, 'index.html');
  router.use((req, res, next) => {
    if (!isNavigation(req)) return next();
    if (!fs.existsSync(indexFile)) {
      res.status(503).set('cache-control', 'no-store').type('text').send(`The ${app} screens are not built yet: run \`npm run build:web\` (npm start does it when needed).`);
      return;
    }
    res.set('cache-control', 'no-store').sendFile(indexFile);
  });
  return router;
}
