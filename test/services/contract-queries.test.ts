import { Redis } from 'ioredis';
import { api, cachePrefix, closedPortUrl, DB_KINDS, dropTestData, REDIS_URL, startTestService, startThreeServices, type ThreeServices } from './support/service-harness';
import { modify, register } from './support/saga-client';
import { serviceNumber, validContract } from '../support/valid-contract';

afterAll(dropTestData);

describe.each(DB_KINDS)('contract query APIs and cache on %s', (kind) => {
  let s: ThreeServices;
  let redis: Redis;
  beforeAll(async () => {
    s = await startThreeServices(kind);
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    redis.disconnect();
    await s.close();
  });

  test('GET /cont/:no: the row in camelCase; unknown → 404, not a number → 400', async () => {
    const reg = (await register(s.ppon, { contr: 'Query Person', svcNo: '031-000-1000', mkerId: 'op-q' }).expect(201)).body;
    const res = await api(s.intelnet.url).get(`/cont/${reg.saIntelnetContNo}`).expect(200);
    expect(Object.keys(res.body)).toEqual([
      'saIntelnetContNo', 'saPponContNo', 'contr', 'payr', 'svcNo', 'cardNo', 'bcbnConn', 'rack', 'intlTrafc', 'mfamtCont', 'admrInfo',
      'apyr', 'saler', 'mkerId', 'mkerNm', 'mkeDate', 'amdrId', 'amdrNm', 'amdDate', 'delYn', 'transacNo', 'transacSttus', 'prevSaIntelnetContHstNo', 'chgNo',
      'contractState', 'lastChange',
    ]);
    expect(Date.parse(res.body.mkeDate)).not.toBeNaN();
    expect(res.body).toMatchObject({ contractState: 'ACTIVE', lastChange: { kind: 'REGISTER', outcome: 'DONE', globalNo: reg.globalNo, at: res.body.mkeDate } });
    expect((await api(s.ppon.url).get('/cont/999999').expect(404)).body.code).toBe('NOT_FOUND');
    expect((await api(s.ppon.url).get('/cont/abc').expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await api(s.ppon.url).get(`/cont/999999/history`).expect(404)).type).toBe('application/problem+json');
  });

  test('GET /cont pages newest first, filters by contr and svcNo, hides deleted rows unless asked', async () => {
    const svcNo = serviceNumber(Date.now() % 90_000_000);
    const kept = [];
    for (let i = 0; i < 3; i++) kept.push((await register(s.ppon, { contr: `Pager ${i}`, svcNo }).expect(201)).body.saPponContNo);
    const cancelled = (await register(s.ppon, { contr: 'Pager cancelled', svcNo, compensateYn: 'Y' }).expect(409)).body.saPponContNo;

    const page1 = (await api(s.ppon.url).get('/cont').query({ svcNo, size: 2, page: 1 }).expect(200)).body;
    expect(page1).toMatchObject({ page: 1, size: 2, total: 3 });
    expect(page1.items.map((c: { saPponContNo: number }) => c.saPponContNo)).toEqual([kept[2], kept[1]]);
    const page2 = (await api(s.ppon.url).get('/cont').query({ svcNo, size: 2, page: 2 }).expect(200)).body;
    expect(page2.items.map((c: { saPponContNo: number }) => c.saPponContNo)).toEqual([kept[0]]);

    const all = (await api(s.ppon.url).get('/cont').query({ svcNo, includeDeleted: 'true' }).expect(200)).body;
    expect(all.total).toBe(4);
    expect(all.items[0]).toMatchObject({ saPponContNo: cancelled, delYn: 'Y' });
    const one = (await api(s.ppon.url).get('/cont').query({ svcNo, contr: 'Pager 1' }).expect(200)).body;
    expect(one.items.map((c: { contr: string }) => c.contr)).toEqual(['Pager 1']);
    expect((await api(s.ppon.url).get('/cont').query({ size: 500 }).expect(400)).body.code).toBe('VALIDATION_FAILED');
  });

  test('reads are cached under the source key; an update deletes the key in each service', async () => {
    const reg = (await register(s.ppon, { contr: 'Cached', payr: 'Before' }).expect(201)).body;
    const keys = {
      ppon: `${cachePrefix(kind)}PPON_CONT_KEY${reg.saPponContNo}`,
      inetaplca: `${cachePrefix(kind)}INETAPLCA_CONT_KEY${reg.saInetaplcaContNo}`,
      intelnet: `${cachePrefix(kind)}INTELNET_CONT_KEY${reg.saIntelnetContNo}`,
    };
    const urls = { ppon: `${s.ppon.url}/cont/${reg.saPponContNo}`, inetaplca: `${s.inetaplca.url}/cont/${reg.saInetaplcaContNo}`, intelnet: `${s.intelnet.url}/cont/${reg.saIntelnetContNo}` };
    for (const name of ['ppon', 'inetaplca', 'intelnet'] as const) {
      expect((await api(urls[name]).get('').expect(200)).headers['x-cache']).toBe('MISS');
      expect(JSON.parse((await redis.get(keys[name])) as string)).toMatchObject({ payr: 'Before' });
      expect(await redis.ttl(keys[name])).toBeGreaterThan(0);
      expect((await api(urls[name]).get('').expect(200)).headers['x-cache']).toBe('HIT');
    }

    await modify(s.ppon, { saPponContNo: reg.saPponContNo, payr: 'After' }).expect(200);
    for (const name of ['ppon', 'inetaplca', 'intelnet'] as const) {
      expect(await redis.exists(keys[name])).toBe(0);
      const fresh = await api(urls[name]).get('').expect(200);
      expect(fresh.headers['x-cache']).toBe('MISS');
      expect(fresh.body.payr).toBe('After');
    }
  });

  test('a compensation deletes the cache key too', async () => {
    const reg = (await register(s.ppon, { contr: 'Cached', payr: 'Kept' }).expect(201)).body;
    const key = `${cachePrefix(kind)}INETAPLCA_CONT_KEY${reg.saInetaplcaContNo}`;
    await api(s.inetaplca.url).get(`/cont/${reg.saInetaplcaContNo}`).expect(200);
    expect(await redis.exists(key)).toBe(1);
    await modify(s.ppon, { saPponContNo: reg.saPponContNo, payr: 'Dropped', compensateYn: 'Y' }).expect(409);
    expect(await redis.exists(key)).toBe(0);
    expect((await api(s.inetaplca.url).get(`/cont/${reg.saInetaplcaContNo}`).expect(200)).body).toMatchObject({ payr: 'Kept', transacSttus: 'CANCEL' });
  });

  test('with Redis unreachable caching is off and requests still succeed', async () => {
    const service = await startTestService(kind, 'inetaplca', { REDIS_URL: (await closedPortUrl()).replace('http', 'redis') });
    try {
      const created = await api(service.url)
        .post('/cont/regSagaApi')
        .send({ inetaplcaContPayload: validContract({ saPponContNo: 1, contr: 'No Cache' }) })
        .expect(201);
      const no = created.body.saInetaplcaContNo;
      for (let i = 0; i < 2; i++) {
        const res = await api(service.url).get(`/cont/${no}`).expect(200);
        expect(res.headers['x-cache']).toBe('MISS');
        expect(res.body.contr).toBe('No Cache');
      }
      await api(service.url).get('/readyz').expect(200);
    } finally {
      await service.close();
    }
  });
});
