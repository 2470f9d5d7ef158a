import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { toServiceError } from '../../services/platform/http/to-service-error';
import { AppError } from '../../lib/errors/app-error';
import type { RunningService } from '../../services/platform/run-service';
import { auth, dropTestData, startTestService } from './support/service-harness';
import { validContract } from '../support/valid-contract';

afterAll(dropTestData);

/**
 * A deadlock (or lock-wait timeout, or SQLite's busy file) in a service's HTTP write is retried in a
 * fresh transaction, and answers 503 if it persists: never 500 (docs/operations.md, database faults).
 */
describe('transient lock errors in the services’ HTTP writes (MariaDB)', () => {
  let ms3: RunningService;
  let ms2: RunningService;
  beforeAll(async () => {
    [ms3, ms2] = await Promise.all([startTestService('mariadb', 'intelnet'), startTestService('mariadb', 'inetaplca')]);
  });
  afterAll(() => Promise.all([ms3.close(), ms2.close()]));

  const call = (path: string, globalNo: string, payload: Record<string, unknown>) =>
    request(ms3.url).post(path).set(auth()).set('x-global-no', globalNo).send({ intelnetContPayload: payload });

  // Two identical compensations of one registered saga, together (MS1's retry beside a late first
  // call, after a freeze): each takes a shared lock on the guard row, then wants it exclusively.
  test('two identical compensations at once, 12 times: both answer 200, the contract cancelled once, never a 500', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const globalNo = `dl-${randomUUID()}`;
      const reg = await call('/cont/regSagaApi', globalNo, { ...validContract(), saPponContNo: 900_000 + i }).expect(201);
      const no = reg.body.saIntelnetContNo as number;
      const pair = await Promise.all([0, 1].map(() => call('/cont/regSagaApiConpensating', globalNo, {})));
      statuses.push(...pair.map((res) => res.status));
      expect(pair.map((res) => res.status)).toEqual([200, 200]);
      for (const res of pair) expect(res.body).toMatchObject({ successYn: 'Y', saIntelnetContNo: no });
      const row = (await request(ms3.url).get(`/cont/${no}`).set(auth()).expect(200)).body;
      expect(row).toMatchObject({ delYn: 'Y' });
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  // The siblings: the forward steps (a step MS1 retried beside its late first call) on the other participant too.
  test.each(['intelnet', 'inetaplca'] as const)('%s: two identical register steps at once, 12 times: both 201 with one contract', async (name) => {
    const service = name === 'intelnet' ? ms3 : ms2;
    const envelope = `${name}ContPayload`;
    const own = name === 'intelnet' ? 'saIntelnetContNo' : 'saInetaplcaContNo';
    for (let i = 0; i < 12; i++) {
      const globalNo = `dl-${randomUUID()}`;
      const step = () => request(service.url).post('/cont/regSagaApi').set(auth()).set('x-global-no', globalNo).send({ [envelope]: { ...validContract(), saPponContNo: 910_000 + i } });
      const pair = await Promise.all([step(), step()]);
      expect(pair.map((res) => res.status)).toEqual([201, 201]);
      expect(pair[0].body[own]).toBe(pair[1].body[own]);
      // Then two identical modify compensations of it (nothing modified: both done, no tombstone left unanswered).
      const undo = () => request(service.url).post('/cont/amdSagaApiConpensating').set(auth()).set('x-global-no', globalNo).send({ [envelope]: {} });
      expect((await Promise.all([undo(), undo()])).map((res) => res.status).every((s) => s < 500)).toBe(true);
    }
  });

  test.each([
    ['a deadlock (1213)', { code: 'ER_LOCK_DEADLOCK', errno: 1213 }],
    ['a lock-wait timeout (1205)', { code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 }],
    ["SQLite's busy file", { code: 'SQLITE_BUSY' }],
  ])('%s that outlasts the retries is a 503 DATABASE_UNAVAILABLE, not a 500', (_label, fields) => {
    const mapped = toServiceError(Object.assign(new Error('lock'), fields));
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped).toMatchObject({ code: 'DATABASE_UNAVAILABLE', status: 503 });
  });
});
