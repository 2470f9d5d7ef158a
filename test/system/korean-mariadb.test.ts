import request from 'supertest';
import { createConnection } from 'mysql2/promise';
import { DEMO, loginVia, type Agent } from '../support/login';
import { startSystem, type RunningSystem } from './support/start-system';

/**
 * Korean text through the whole system on MariaDB (utf8mb4 end to end): `npm start` as real
 * processes, every service and the contract view on a MariaDB database of their own. A name goes
 * in through the PC app and comes back unchanged from the composed contract, the history rows, the
 * read model (the list) and the database itself, bytes compared; so does a Korean file name. One
 * character lies outside the Basic Multilingual Plane (4 bytes in UTF-8): a 3-byte `utf8` column
 * would refuse or mangle it, `utf8mb4` keeps it.
 */
jest.setTimeout(180_000);

const RUN = `ko${Date.now().toString(36)}${process.pid}`;
const SERVICES = ['PPON', 'INETAPLCA', 'INTELNET', 'CONTRACT_VIEW'] as const;
const databaseOf = (service: (typeof SERVICES)[number]) => `sa_${RUN}_${service.toLowerCase()}`;
// 𠮷 (U+20BB7) is four bytes in UTF-8.
const NAME = '김𠮷수';
const PAYER = '이서연';
const NEW_PAYER = '박지훈';
const FILE_NAME = '계약서 사본 𠮷.pdf';
const CONTRACT = { contr: NAME, payr: PAYER, svcNo: '010-1234-5678', cardNo: '4111-1111-1111-1111', saler: '서울 강남 지점' };

const poll = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

describe('Korean read back on MariaDB, through the real processes', () => {
  let system: RunningSystem;
  let pc: Agent;

  beforeAll(async () => {
    const env = Object.fromEntries(SERVICES.flatMap((s) => [[`${s}_DB_KIND`, 'mariadb'], [`${s}_MARIADB_URL`, `mysql://root@127.0.0.1:3306/${databaseOf(s)}`]]));
    system = await startSystem(env);
    pc = (await loginVia(system.urls.pc, request.agent(system.urls.sso), system.urls.sso, DEMO)).bff;
  });
  afterAll(async () => {
    system?.kill();
    const admin = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
    try {
      for (const s of SERVICES) await admin.query(`DROP DATABASE IF EXISTS \`${databaseOf(s)}\``);
    } finally {
      await admin.end();
    }
  });

  it('names, history, the read model and a file name come back as they went in', async () => {
    const created = await pc.post('/api/contracts').set('X-CSRF', '1').send({ contract: CONTRACT, mode: 'api' }).expect(201);
    const no = created.body.saPponContNo as number;

    // The composed contract: the three services' own rows, each from its MariaDB database.
    const view = (await pc.get(`/api/contracts/${no}`).expect(200)).body;
    for (const part of ['ppon', 'inetaplca', 'intelnet']) expect([part, view[part]]).toEqual([part, expect.objectContaining({ contr: NAME, payr: PAYER })]);
    expect(view.ppon.saler).toBe('서울 강남 지점');

    // A change keeps the Korean before-image in each service's history.
    await pc.put(`/api/contracts/${no}`).set('X-CSRF', '1').send({ contract: { payr: NEW_PAYER } }).expect(200);
    expect((await pc.get(`/api/contracts/${no}`).expect(200)).body.ppon).toMatchObject({ contr: NAME, payr: NEW_PAYER });
    const history = (await pc.get(`/api/contracts/${no}/history`).expect(200)).body;
    expect(history.partial).toBe(false);
    const rows = [history.ppon, history.inetaplca, history.intelnet].flat() as Record<string, unknown>[];
    expect(rows.length).toBe(3);
    for (const row of rows) expect(row).toMatchObject({ contr: NAME, payr: PAYER });

    // The read model (the contract view's own MariaDB database), searched by the Korean name.
    const listed = await poll('the contract in the list with its new payer', async () => {
      const items = (await pc.get(`/api/contracts?contr=${encodeURIComponent(NAME)}`).expect(200)).body.items as Record<string, unknown>[];
      const mine = items.find((i) => JSON.stringify(i).includes(String(no)));
      return mine && JSON.stringify(mine).includes(NEW_PAYER) ? mine : undefined;
    });
    expect(JSON.stringify(listed)).toContain(NAME);

    // The bytes in the databases themselves: UTF-8, four bytes for 𠮷, in every service's table.
    const admin = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
    try {
      const expected = Buffer.from(NAME, 'utf8').toString('hex').toUpperCase();
      for (const [service, table] of [['PPON', 'SA_PPON_CONT'], ['INETAPLCA', 'SA_INETAPLCA_CONT'], ['INTELNET', 'SA_INTELNET_CONT']] as const) {
        const [found] = await admin.query(`SELECT HEX(CONTR) AS H, CHAR_LENGTH(CONTR) AS C FROM \`${databaseOf(service)}\`.\`${table}\` WHERE SA_PPON_CONT_NO = ? OR TRANSAC_NO = ?`, [no, created.body.globalNo]);
        expect([service, (found as { H: string; C: number }[]).map((r) => [r.H, Number(r.C)])]).toEqual([service, [[expected, 3]]]);
      }
    } finally {
      await admin.end();
    }

    // A Korean file name: listed and downloaded under the same name.
    const uploaded = await pc.post('/api/files').set('X-CSRF', '1').attach('file', Buffer.from('%PDF-1.4\n%계약\n'), FILE_NAME).expect(201);
    const id = (uploaded.body.id ?? uploaded.body.fileId) as string;
    const files = (await pc.get('/api/files').expect(200)).body.items as Record<string, unknown>[];
    expect(files.find((f) => (f.id ?? f.fileId) === id)).toMatchObject({ name: FILE_NAME });
    const download = await pc.get(`/api/files/${id}`).expect(200);
    expect(download.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(FILE_NAME)}`);
  });
});
