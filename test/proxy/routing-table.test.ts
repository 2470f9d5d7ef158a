import fs from 'node:fs';
import { loadBffConfig } from '../../config/bff-config';
import { ConfigError } from '../../config/define-settings';
import { buildBffRuntime } from '../../core/runtime/build-bff-runtime';
import { loadLegacyRoutes } from '../../core/proxy/load-legacy-routes';
import { writeRoutesFile } from './support/legacy-routes-file';

const startWith = (routesFile: string) =>
  buildBffRuntime(loadBffConfig('pc', { NODE_ENV: 'test', LOG_LEVEL: 'silent', LEGACY_ROUTES_FILE: routesFile }));

describe('the legacy routing table', () => {
  it("routes /legacy/app in both apps' default tables to the legacy app URL", () => {
    for (const app of ['pc', 'mobile'] as const) {
      const config = loadBffConfig(app, { LEGACY_APP_URL: 'http://legacy-vm.internal:8090' });
      const routes = loadLegacyRoutes(config.legacyRoutesFile, { LEGACY_APP_URL: config.legacyAppUrl });
      expect(routes.find((r) => r.path === '/legacy/app')).toMatchObject({ target: 'http://legacy-vm.internal:8090', auth: 'session', csrf: true });
    }
  });

  it('refuses to start with a bad row, naming each bad row and what is wrong with it', async () => {
    const file = writeRoutesFile([
      { path: '/legacy/ok', target: '${LEGACY_APP_URL}', timeoutMs: 1000, auth: 'session' },
      { path: '/api/legacy', target: 'http://vm:8080', timeoutMs: 1000, auth: 'session' },
      { path: '/legacy/ftp', target: 'ftp://vm/', timeoutMs: 1000, auth: 'public' },
      { path: '/legacy/ok/inner', target: 'http://vm:8080', timeoutMs: 1000, auth: 'session' },
      { path: '/legacy/typo', target: '${LEGACY_URL}/x', timeoutMs: 1000, auth: 'session' },
      { path: '/legacy/regex', target: 'http://vm:8080', timeoutMs: 1000, auth: 'sesion', pathRewrite: { '([': '/' } },
    ]);
    const failure = await startWith(file).then(() => null, (err: unknown) => err);
    expect(failure).toBeInstanceOf(ConfigError);
    const problems = (failure as ConfigError).problems.join('\n');
    expect(problems).not.toMatch(/row 0/);
    expect(problems).toMatch(/row 1 \(\/api\/legacy\): path: must not shadow/);
    expect(problems).toMatch(/row 2 \(\/legacy\/ftp\): target: must be an http\(s\) URL/);
    expect(problems).toMatch(/row 3 \(\/legacy\/ok\/inner\): path: overlaps the row for \/legacy\/ok/);
    expect(problems).toMatch(/row 4 \(\/legacy\/typo\): target: unknown placeholder \$\{LEGACY_URL\}/);
    expect(problems).toMatch(/row 5 \(\/legacy\/regex\): pathRewrite/);
    expect(problems).toMatch(/row 5 \(\/legacy\/regex\): auth/);
  });

  it('refuses rows that would forward credentials or rewrite headers, or set headers other than security headers', async () => {
    const file = writeRoutesFile([
      { path: '/legacy/a', target: 'http://vm:8080', timeoutMs: 1000, auth: 'session', forwardHeaders: ['cookie'] },
      { path: '/legacy/b', target: 'http://vm:8080', timeoutMs: 1000, auth: 'session', forwardHeaders: ['X-Original-URL', 'x-forwarded-for'] },
      { path: '/legacy/c', target: 'http://vm:8080', timeoutMs: 1000, auth: 'session', responseHeaders: { 'set-cookie': 'a=1' } },
      { path: '/legacy/d', target: 'http://vm:8080', timeoutMs: 1000, auth: 'session', responseHeaders: { 'x-frame-options': 'DENY\r\nX-Evil: 1' } },
    ]);
    const problems = ((await startWith(file).then(() => null, (err: unknown) => err)) as ConfigError).problems.join('\n');
    expect(problems).toMatch(/row 0 \(\/legacy\/a\): forwardHeaders\.0: is a header the proxy never forwards/);
    expect(problems).toMatch(/row 1 \(\/legacy\/b\): forwardHeaders\.0: must be a lower-case header name/);
    expect(problems).toMatch(/row 1 \(\/legacy\/b\): forwardHeaders\.1: is a header the proxy never forwards/);
    expect(problems).toMatch(/row 2 \(\/legacy\/c\): responseHeaders/);
    expect(problems).toMatch(/row 3 \(\/legacy\/d\): responseHeaders\.x-frame-options: must be printable ASCII/);
  });

  it('refuses a table that is not JSON', async () => {
    const file = writeRoutesFile([]);
    fs.writeFileSync(file, '{ "routes": [ ');
    await expect(startWith(file)).rejects.toThrow(/LEGACY_ROUTES_FILE .*cannot be read as JSON/);
  });
});
