import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The screens as `npm start` serves them: built now unless web/dist is already up to date. Suites
 * that judge every answer of a BFF (the browser suite, the fuzz) need them: without a build the
 * BFF answers page navigations 503 "screens not built" — right for a developer, wrong for a test
 * of the production edge, and a clean clone has no build until something makes one.
 */
export function buildScreensIfStale(): void {
  execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'web', 'build-web.mjs'), '--if-stale'], { stdio: 'inherit' });
}
