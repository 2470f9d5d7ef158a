import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/free-port';
import { spawnProcess, type OwnProcess } from '../support/spawn-process';
import { auth, busEnv, harnessSso, mintBearer, dropTestData, testEnv, topicPrefix } from '../services/support/service-harness';
import { newGlobalNo, pubsub, register, settledSaga, ORIGINAL } from '../services/support/saga-client';
import { checkConsistency, formatReport, openServiceDatabases } from '../../scripts/check-consistency';

/**
 * The three contract services as processes, sagas over HTTP (API mode) and over Kafka (broker
 * mode). Under a stream of registrations, each participant in turn is stopped with SIGTERM (and
 * started again): every saga still ends END or CANCEL by itself — none stays START or COMPENSATING —
 * and the three databases agree.
 */
jest.setTimeout(180_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drain-saga-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const running: OwnProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop(5_000)));
  await dropTestData();
  fs.rmSync(dir, { recursive: true, force: true });
});

it.each([
  ['API mode (HTTP)', 'api'],
  ['broker mode (Kafka)', 'kafka'],
] as const)('%s: a participant stopped mid-saga (SIGTERM, then started again) leaves no saga stuck', async (_name, mode) => {
  const sub = path.join(dir, mode);
  fs.mkdirSync(sub, { recursive: true });
  const sso = await harnessSso();
  await mintBearer();
  const bus = mode === 'kafka' ? { ...busEnv('kafka'), EVENT_TOPIC_PREFIX: topicPrefix('sqlite', `drain${Date.now().toString(36)}`) } : {};
  const ports = { ppon: await freePort(), inetaplca: await freePort(), intelnet: await freePort() };
  const start = (name: keyof typeof ports) => {
    const env = testEnv('sqlite', name, {
      PORT: String(ports[name]),
      SQLITE_FILE: path.join(sub, `${name}.sqlite`),
      ...bus,
      SSO_ISSUER: sso.issuer,
      INETAPLCA_URL: `http://127.0.0.1:${ports.inetaplca}`,
      INTELNET_URL: `http://127.0.0.1:${ports.intelnet}`,
      PARTICIPANT_TIMEOUT_MS: '2000',
      SAGA_DEADLINE_MS: '5000',
      SHUTDOWN_DELAY_MS: '300',
      SHUTDOWN_GRACE_MS: '5000',
      LOG_LEVEL: 'warn',
    });
    const p = spawnProcess(`services/${name}/main.ts`, env);
    running.push(p);
    return p;
  };
  const procs = { inetaplca: start('inetaplca'), intelnet: start('intelnet'), ppon: start('ppon') };
  for (const [name, p] of Object.entries(procs)) await p.waitFor(new RegExp(`${name} ready on`), 60_000);
  const ppon = { url: `http://127.0.0.1:${ports.ppon}` };

  const globalNos: string[] = [];
  const answers: Record<string, number> = {};
  let done = false;
  const client = async () => {
    while (!done) {
      const globalNo = newGlobalNo('drain');
      globalNos.push(globalNo);
      const res = await (mode === 'api' ? register(ppon, undefined, globalNo) : pubsub(ppon, 'regPubsub', ORIGINAL, globalNo)).catch(() => ({ status: 0 }));
      answers[res.status] = (answers[res.status] ?? 0) + 1;
      // as a screen does after a 202: follow the saga to its end before the next one
      if (mode === 'kafka') await settledSaga(ppon, globalNo, 60_000).catch(() => undefined);
    }
  };
  const clients = Array.from({ length: 3 }, client);
  for (const name of ['intelnet', 'inetaplca'] as const) {
    await sleep(1_000);
    procs[name].child.kill('SIGTERM');
    expect(await procs[name].exited()).toBe(0);
    await sleep(500); // down for a moment: sagas meanwhile are compensated
    procs[name] = start(name);
    await procs[name].waitFor(new RegExp(`${name} ready on`), 60_000);
  }
  // both participants back: sagas end END again
  const backFrom = globalNos.length;
  await sleep(3_000);
  done = true;
  await Promise.all(clients);

  const states: Record<string, number> = {};
  for (const globalNo of globalNos) {
    const saga = await settledSaga(ppon, globalNo, 60_000).catch(async (err: Error) => {
      const log = await fetch(`${ppon.url}/sagas/${globalNo}`, { headers: auth() }).then((r) => r.json());
      console.log(`not settled: ${JSON.stringify(log).slice(0, 3000)}`);
      return { state: err.message };
    });
    states[saga.state] = (states[saga.state] ?? 0) + 1;
  }
  console.log(`participants stopped mid-saga, ${mode}: ${globalNos.length} sagas, answers ${JSON.stringify(answers)}, final states ${JSON.stringify(states)}`);
  expect(Object.keys(states).sort()).toEqual(expect.arrayContaining(['END']));
  expect(Object.keys(states).filter((s) => s !== 'END' && s !== 'CANCEL')).toEqual([]);
  expect(answers['500'] ?? 0).toBe(0);
  expect((await settledSaga(ppon, globalNos[globalNos.length - 1], 60_000)).state).toBe('END');
  expect(globalNos.length - backFrom).toBeGreaterThan(0);

  // and the three databases agree with every saga's outcome
  const env = Object.fromEntries(['PPON', 'INETAPLCA', 'INTELNET'].flatMap((s) => [[`${s}_DB_KIND`, 'sqlite'], [`${s}_SQLITE_FILE`, path.join(sub, `${s.toLowerCase()}.sqlite`)]]));
  const dbs = await openServiceDatabases(env);
  try {
    const report = await checkConsistency({ ppon: dbs.ppon.db, inetaplca: dbs.inetaplca.db, intelnet: dbs.intelnet.db });
    console.log(`consistency after the drills, ${mode}: ${formatReport(report)}`);
    expect(report.inconsistent).toEqual([]);
    expect(report.open).toBe(0);
  } finally {
    await Promise.all(Object.values(dbs).map((d) => d.close()));
  }
});
