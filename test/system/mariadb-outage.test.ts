import { createConnection, type Connection } from 'mysql2/promise';
import request from 'supertest';
import type { RunningService } from '../../services/platform/run-service';
import { auth, dropTestData, startTestService } from '../services/support/service-harness';
import { newGlobalNo } from '../services/support/saga-client';
import { validContract } from '../support/valid-contract';

/**
 * A contract service whose MariaDB connections die under it (what a database restart or a network
 * cut does to a pool) answers 503 DATABASE_UNAVAILABLE meanwhile — never a 500 — and serves again
 * by itself once the database answers. The shared MariaDB server is never stopped: only this
 * service's own connections are KILLed, again and again, which is what a restart looks like to it.
 */
describe('a service survives its MariaDB going away and coming back', () => {
  let service: RunningService;
  let admin: Connection;
  let database: string;

  beforeAll(async () => {
    service = await startTestService('mariadb', 'inetaplca');
    database = new URL(service.deps.config.mariadbUrl).pathname.slice(1);
    admin = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  });
  afterAll(async () => {
    await service?.close();
    await admin?.end();
    await dropTestData();
  });

  const killConnections = async () => {
    const [rows] = await admin.query('SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()', [database]);
    for (const { ID } of rows as { ID: number }[]) await admin.query(`KILL ${Number(ID)}`).catch(() => undefined);
    return (rows as unknown[]).length;
  };
  // as the harness user (ops, operator: may call MS2's saga step by hand); without a token both would be a 401 before any query
  const read = () => request(service.url).get('/cont?size=1').set(auth());
  const write = () => request(service.url).post('/cont/regSagaApi').set(auth()).set('x-global-no', newGlobalNo('outage')).send({ inetaplcaContPayload: validContract({ contr: '장애 복구', saPponContNo: 1 }) });

  it('answers 503 (never 500) while its connections are being killed, then serves reads and writes again within 10 s', async () => {
    await read().expect(200);
    await write().expect(201);
    expect(await killConnections()).toBeGreaterThan(0);

    const seen: number[] = [];
    const outageEnds = Date.now() + 3_000;
    while (Date.now() < outageEnds) {
      // Killed while requests are in flight as well as between them.
      const [r, w] = await Promise.all([read(), write(), killConnections()]);
      for (const res of [r, w]) {
        seen.push(res.status);
        if (res.status >= 500) {
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.body.code).toBe('DATABASE_UNAVAILABLE');
        }
      }
    }
    const tally = seen.reduce<Record<number, number>>((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {});
    console.log(`mariadb outage: answers while connections were being killed: ${JSON.stringify(tally)}`);
    expect(seen.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    // What a user sees during the outage: a 503 (retry later), not a success that hid it nor a 500.
    expect(seen).toContain(503);

    const back = Date.now();
    let recovered = false;
    while (!recovered && Date.now() - back < 10_000) {
      const [r, w] = await Promise.all([read(), write()]);
      recovered = r.status === 200 && w.status === 201;
      if (!recovered) await new Promise((done) => setTimeout(done, 200));
    }
    expect(recovered).toBe(true);
    await request(service.url).get('/readyz').expect(200);
  });
});
