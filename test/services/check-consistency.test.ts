import { spawn } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { auth, dropTestData, startThreeServices, testEnv, type ThreeServices } from './support/service-harness';
import { modify, ORIGINAL, register } from './support/saga-client';

afterAll(dropTestData);

const ROOT = path.resolve(__dirname, '../..');

/** `npm run check:consistency` as an operator runs it: a process reading the three databases from the services' env. */
function runChecker(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/check-consistency.ts')], { env: { ...process.env, ...env }, cwd: ROOT });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run check:consistency', () => {
  let s: ThreeServices;
  beforeAll(async () => {
    s = await startThreeServices('sqlite', {}, { tag: 'checker' });
  });
  afterAll(() => s.close());

  test('exits 0 on agreeing databases, 1 naming the contract once one row is corrupted', async () => {
    const kept = (await register(s.ppon, { ...ORIGINAL, contr: 'Checked' }).expect(201)).body;
    await modify(s.ppon, { saPponContNo: kept.saPponContNo, payr: 'Checked payer' }).expect(200);
    const cancelled = await register(s.ppon, { ...ORIGINAL, contr: 'Cancelled', compensateYn: 'Y' });
    expect(cancelled.body.state).toBe('CANCEL');
    const drilled = await modify(s.ppon, { saPponContNo: kept.saPponContNo, payr: 'Never applied', compensateYn: 'Y' });
    expect(drilled.body.state).toBe('CANCEL');
    const env = { ...testEnv('sqlite', 'ppon'), ...testEnv('sqlite', 'inetaplca'), ...testEnv('sqlite', 'intelnet') };

    const clean = await runChecker(env);
    expect(clean.output).toMatch(/2 contracts, 0 with a saga still open, 0 sagas START past their deadline, 0 inconsistent/);
    expect(clean.code).toBe(0);

    // MS2 silently diverges for the live contract; MS3 keeps a live row for the cancelled one.
    await s.db('inetaplca').updateTable('SA_INETAPLCA_CONT').set({ PAYR: 'Drifted' }).where('SA_INETAPLCA_CONT_NO', '=', kept.saInetaplcaContNo).execute();
    await s.db('intelnet').insertInto('SA_INTELNET_CONT').values({ SA_PPON_CONT_NO: cancelled.body.saPponContNo, CONTR: 'Cancelled', DEL_YN: 'N', TRANSAC_NO: 'stray-1', TRANSAC_STTUS: 'END' }).execute();
    const corrupt = await runChecker(env);
    expect(corrupt.code).toBe(1);
    expect(corrupt.output).toContain(`contract ${kept.saPponContNo} (last saga ${drilled.body.globalNo} CANCEL): inetaplca values differ from MS1's`);
    expect(corrupt.output).toContain(`contract ${cancelled.body.saPponContNo} (last saga ${cancelled.body.globalNo} CANCEL): intelnet keeps 1 live row(s) for a cancelled contract`);
    expect(corrupt.output).toMatch(/2 inconsistent/);
    expect((await request(s.ppon.url).get('/sagas?state=COMPENSATING').set(auth()).expect(200)).body.items).toEqual([]);
  });
});
