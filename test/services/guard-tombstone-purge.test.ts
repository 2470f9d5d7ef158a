import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import request from 'supertest';
import { freePort } from '../support/free-port';
import { spawnReady, type Spawned } from '../support/spawn-ready';
import { auth, dropTestData, harnessSso, mintBearer, testEnv } from './support/service-harness';
import { newGlobalNo, ORIGINAL } from './support/saga-client';

afterAll(dropTestData);

/**
 * A compensation for a saga a participant never saw writes a tombstone (it must succeed, and must
 * refuse that saga's late step). Anyone allowed to compensate could otherwise grow SA_SAGA_GUARD
 * for ever with made-up globalNos: tombstones live GUARD_RETENTION_MS, then the purge that also
 * clears the outbox removes them. Proven on the participant run as its own process.
 */
describe('saga-guard tombstones have a lifetime (MS3 as a process of its own)', () => {
  let ms3: Spawned;
  let url: string;
  let db: DatabaseSync;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-purge-'));
  const file = path.join(dir, 'intelnet.sqlite');

  beforeAll(async () => {
    const sso = await harnessSso();
    await mintBearer();
    const env = testEnv('sqlite', 'intelnet', { PORT: String(await freePort()), SQLITE_FILE: file, SSO_ISSUER: sso.issuer, GUARD_RETENTION_MS: '1500', PURGE_EVERY_MS: '200', LOG_LEVEL: 'info' });
    ms3 = await spawnReady(path.join('node_modules', '.bin', 'tsx'), ['services/intelnet/main.ts'], { NODE_ENV: 'test', ...env }, /intelnet ready on (\S+)/, 40_000);
    url = /intelnet ready on (\S+)/.exec(ms3.output())![1];
    db = new DatabaseSync(file);
  }, 60_000);
  afterAll(async () => {
    db?.close();
    await ms3?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const guardOf = (globalNo: string) => db.prepare('select STATE, CONT_NO from SA_SAGA_GUARD where GLOBAL_NO = ?').get(globalNo) as { STATE: string; CONT_NO: number | null } | undefined;

  it('keeps a tombstone for its retention (a late step is refused), then purges it; guard rows that name a contract stay', async () => {
    const unknown = newGlobalNo('ghost');
    await request(url).post('/cont/regSagaApiConpensating').set(auth()).set('x-global-no', unknown).send({ intelnetContPayload: {} }).expect(200);
    expect(guardOf(unknown)).toEqual({ STATE: 'COMPENSATED', CONT_NO: null });
    const late = await request(url).post('/cont/regSagaApi').set(auth()).set('x-global-no', unknown).send({ intelnetContPayload: { ...ORIGINAL, saPponContNo: 1 } });
    expect(late.status).toBe(409);
    // A guard row that names a contract, long past the retention: the contract's history, kept.
    const named = newGlobalNo('named');
    db.prepare('insert into SA_SAGA_GUARD (GLOBAL_NO, CONT_NO, STATE, CHANGED_AT) values (?, 7, ?, ?)').run(named, 'COMPENSATED', '2020-01-01T00:00:00.000Z');
    const deadline = Date.now() + 10_000;
    while (guardOf(unknown) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(guardOf(unknown)).toBeUndefined();
    expect(guardOf(named)).toEqual({ STATE: 'COMPENSATED', CONT_NO: 7 });
    expect(ms3.output()).toMatch(/purged old outbox, processed-message and guard tombstone rows/);
  });
});
