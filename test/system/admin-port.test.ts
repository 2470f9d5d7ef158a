import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/free-port';
import { spawnProcess, type OwnProcess } from '../support/spawn-process';

/**
 * ADMIN_PORT (and `<SERVICE>_ADMIN_PORT`): the operator endpoints move to a second listener; the
 * public port no longer serves them, in any spelling; the probes stay on the public port.
 */
jest.setTimeout(120_000);

const RUN = `ap${Date.now().toString(36)}${process.pid}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admin-port-'));
const running: OwnProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop(5_000)));
  fs.rmSync(dir, { recursive: true, force: true });
});

const status = (url: string) => fetch(url, { redirect: 'manual' }).then(async (r) => ({ status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() }));

async function expectSplit(main: string, admin: string, adminPaths: string[]) {
  for (const p of adminPaths) {
    const onAdmin = await status(`${admin}${p}`);
    expect([p, onAdmin.status]).toEqual([p, 200]);
    const onMain = await status(`${main}${p}`);
    expect([p, onMain.status, onMain.type]).toEqual([p, 404, expect.stringMatching(/^application\/problem\+json/)]);
  }
  expect((await status(`${admin}/metrics`)).body).toMatch(/^# HELP /m);
  for (const sneaky of ['/METRICS', '//metrics', '/x/../metrics', '/metrics?x=1']) expect([sneaky, (await status(`${main}${sneaky}`)).status]).toEqual([sneaky, 404]);
  for (const probe of ['/healthz', '/readyz']) {
    expect([probe, (await status(`${main}${probe}`)).status]).toEqual([probe, 200]);
    expect([probe, (await status(`${admin}${probe}`)).status]).toEqual([probe, 404]);
  }
}

describe.each([
  ['one process', {}],
  ['BFF_WORKERS=2', { BFF_WORKERS: '2' }],
])('a BFF (%s) with ADMIN_PORT', (_name, env) => {
  it('serves /metrics and /docs only on the admin port, the probes and the app on PORT', async () => {
    const [port, adminPort] = [await freePort(), await freePort()];
    const bff = spawnProcess('bff-pc/main.ts', { PORT: String(port), ADMIN_PORT: String(adminPort), PUBLIC_URL: `http://localhost:${port}`, SESSION_PREFIX: `${RUN}:sess:`, LOG_LEVEL: 'warn', ...env });
    running.push(bff);
    await bff.waitFor(/bff-pc ready on/, 60_000);
    await expectSplit(`http://127.0.0.1:${port}`, `http://127.0.0.1:${adminPort}`, ['/metrics', '/docs/', '/docs/openapi.json']);
    // the app itself still answers on PORT
    expect((await status(`http://127.0.0.1:${port}/bff/user`)).status).toBe(401);
  });
});

describe('a service and the contract view with <SERVICE>_ADMIN_PORT', () => {
  it.each([
    ['services/ppon/main.ts', 'PPON', /ppon ready on/],
    ['services/contract-view/main.ts', 'CONTRACT_VIEW', /contract-view ready on/],
  ])('%s serves /metrics only on its admin port', async (entry, key, ready) => {
    const [port, adminPort] = [await freePort(), await freePort()];
    const svc = spawnProcess(entry, {
      [`${key}_PORT`]: String(port),
      [`${key}_ADMIN_PORT`]: String(adminPort),
      [`${key}_SQLITE_FILE`]: path.join(dir, `${key}.sqlite`),
      [`${key}_EVENT_TOPIC_PREFIX`]: `${RUN}.`,
      [`${key}_EVENT_BUS`]: 'memory',
    });
    running.push(svc);
    await svc.waitFor(ready, 60_000);
    expect(svc.output()).toContain(`admin http://localhost:${adminPort}`);
    await expectSplit(`http://127.0.0.1:${port}`, `http://127.0.0.1:${adminPort}`, ['/metrics']);
  });
});
