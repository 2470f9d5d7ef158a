import { api, DB_KINDS, dropTestData, mintBearer, startTestService, startThreeServices, type ThreeServices } from './support/service-harness';
import { register } from './support/saga-client';
import { validContract } from '../support/valid-contract';

afterAll(dropTestData);

const LONG = 'x'.repeat(201);

describe.each(DB_KINDS)('input checks on %s', (kind) => {
  let s: ThreeServices;
  beforeAll(async () => {
    s = await startThreeServices(kind);
  });
  afterAll(() => s.close());

  const counts = async () => {
    const count = async (name: 'ppon' | 'inetaplca' | 'intelnet', table: string) =>
      Number((await s.db(name).selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    return [
      await count('ppon', 'SA_PPON_CONT'), await count('ppon', 'SA_PPON_CONT_HST'), await count('ppon', 'SA_SAGA'),
      await count('inetaplca', 'SA_INETAPLCA_CONT'), await count('intelnet', 'SA_INTELNET_CONT'),
    ];
  };

  test.each([
    ['no envelope', { contr: 'Kim' }, 'pponContPayload', 'REQUIRED'],
    ['contractor missing', { pponContPayload: validContract({ contr: undefined }) }, 'contr', 'REQUIRED'],
    ['service number over 20', { pponContPayload: validContract({ svcNo: LONG }) }, 'svcNo', 'TOO_LONG'],
    // (the audit fields are no longer the caller's to set: they come from the token — test/auth/)
    ['card number over 40', { pponContPayload: validContract({ cardNo: LONG }) }, 'cardNo', 'TOO_LONG'],
    ['payer of the wrong type', { pponContPayload: validContract({ payr: 7 }) }, 'payr', 'INVALID_FORMAT'],
    ['wrong type', { pponContPayload: validContract({ contr: 42 }) }, 'contr', 'INVALID_FORMAT'],
    ['bad drill flag', { pponContPayload: validContract({ compensateYn: 'yes' }) }, 'compensateYn', 'INVALID_FORMAT'],
    ['contractor name over 100', { pponContPayload: validContract({ contr: '김'.repeat(101) }) }, 'contr', 'TOO_LONG'],
    ['service number "abc"', { pponContPayload: validContract({ svcNo: 'abc' }) }, 'svcNo', 'INVALID_PHONE'],
    ['a 200-digit service number', { pponContPayload: validContract({ svcNo: '0'.repeat(200) }) }, 'svcNo', 'TOO_LONG'],
    ['service number not national (+82)', { pponContPayload: validContract({ svcNo: '+82-10-1234-5678' }) }, 'svcNo', 'INVALID_PHONE'],
    ['card "xyz"', { pponContPayload: validContract({ cardNo: 'xyz' }) }, 'cardNo', 'INVALID_CARD'],
    ['card too short', { pponContPayload: validContract({ cardNo: '4111 1111 1111' }) }, 'cardNo', 'INVALID_CARD'],
    ['card with a wrong check digit', { pponContPayload: validContract({ cardNo: '4111-1111-1111-1112' }) }, 'cardNo', 'INVALID_CARD_CHECKSUM'],
    ['blank payer', { pponContPayload: validContract({ payr: '  ' }) }, 'payr', 'REQUIRED'],
  ])('register with %s → 400 problem naming the field and its code, nothing written', async (_label, body, path, code) => {
    const before = await counts();
    const res = await api(s.ppon.url).post('/cont/regSagaApi').send(body);
    expect(res.status).toBe(400);
    expect(res.type).toBe('application/problem+json');
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toContainEqual(expect.objectContaining({ path, code }));
    expect(await counts()).toEqual(before);
  });

  test('a registration with only a contractor names every missing field once, each REQUIRED', async () => {
    const res = await api(s.ppon.url).post('/cont/regSagaApi').send({ pponContPayload: { contr: '김철수' } }).expect(400);
    expect(res.body.errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`).sort()).toEqual(['cardNo REQUIRED', 'payr REQUIRED', 'svcNo REQUIRED']);
  });

  test('every national format passes; the card is kept as digits, the service number as sent', async () => {
    for (const svcNo of ['010-1234-5678', '01012345678', '02-123-4567', '031-123-4567', '070-1234-5678', '1588-1234']) {
      const reg = (await register(s.ppon, { svcNo, cardNo: '4111 1111-1111 1111' }).expect(201)).body;
      expect((await api(s.inetaplca.url).get(`/cont/${reg.saInetaplcaContNo}`).expect(200)).body).toMatchObject({ svcNo, cardNo: '4111111111111111' });
    }
  });

  test('modify checks the fields it sends by the same rules, at MS1 and at the participants', async () => {
    const reg = (await register(s.ppon).expect(201)).body;
    const before = await counts();
    const amd = (url: string, envelope: string, payload: Record<string, unknown>) => api(url).post('/cont/amdSagaApi').send({ [envelope]: payload });
    const ms1 = await amd(s.ppon.url, 'pponContPayload', { saPponContNo: reg.saPponContNo, svcNo: '12', cardNo: '1234', payr: '' });
    expect(ms1.status).toBe(400);
    expect(ms1.body.errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`).sort()).toEqual(['cardNo INVALID_CARD', 'payr REQUIRED', 'svcNo INVALID_PHONE']);
    const ms2 = await amd(s.inetaplca.url, 'inetaplcaContPayload', { saInetaplcaContNo: reg.saInetaplcaContNo, cardNo: '4111111111111112' });
    expect(ms2.body).toMatchObject({ status: 400, successYn: 'N', errors: [expect.objectContaining({ path: 'cardNo', code: 'INVALID_CARD_CHECKSUM' })] });
    const ms3 = await amd(s.intelnet.url, 'intelnetContPayload', { saIntelnetContNo: reg.saIntelnetContNo, svcNo: 'abc' });
    expect(ms3.body).toMatchObject({ status: 400, errors: [expect.objectContaining({ path: 'svcNo', code: 'INVALID_PHONE' })] });
    expect(await counts()).toEqual(before);
  });

  test('modify: bad number → 400, unknown contract → 404, deleted contract → 409; nothing written', async () => {
    const cancelled = (await register(s.ppon, { contr: 'Gone', compensateYn: 'Y' }).expect(409)).body.saPponContNo;
    const before = await counts();
    const amd = (payload: Record<string, unknown>) => api(s.ppon.url).post('/cont/amdSagaApi').send({ pponContPayload: payload });
    expect((await amd({ saPponContNo: 'one', payr: 'x' })).status).toBe(400);
    expect((await amd({ saPponContNo: 1, payr: LONG })).status).toBe(400);
    expect((await amd({ saPponContNo: 99_999_999, payr: 'x' })).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await amd({ saPponContNo: cancelled, payr: 'x' })).body).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(await counts()).toEqual(before);
  });

  test('malformed JSON → 400 MALFORMED_BODY; unknown route → 404 problem; no stack trace leaks', async () => {
    const res = await api(s.ppon.url).post('/cont/regSagaApi').set('content-type', 'application/json').send('{"pponContPayload":');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_BODY');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
    expect((await api(s.inetaplca.url).get('/nope').expect(404)).body.code).toBe('NOT_FOUND');
  });

  test('participants answer successYn "N" with a problem on failure (the source answered "Y")', async () => {
    const bad = await api(s.inetaplca.url).post('/cont/regSagaApi').send({ inetaplcaContPayload: validContract({ contr: 'No MS1 number' }) });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ successYn: 'N', code: 'VALIDATION_FAILED', message: expect.stringContaining('saPponContNo') });
    const missing = await api(s.inetaplca.url).post('/cont/regSagaApiConpensating').send({ inetaplcaContPayload: { saInetaplcaContNo: 99_999_999 } });
    expect(missing.body).toMatchObject({ status: 404, successYn: 'N' });
    const drill = await api(s.intelnet.url).post('/cont/regSagaApi').send({ intelnetContPayload: validContract({ saPponContNo: 1, contr: 'D', compensateYn: 'Y' }) });
    expect(drill.body).toMatchObject({ status: 422, code: 'DRILL_FAILURE', successYn: 'N' });
  });

  test('a compensation from another saga than the row\'s is refused (409) and changes nothing', async () => {
    const reg = (await register(s.ppon, { contr: 'Owned' }).expect(201)).body;
    const res = await api(s.inetaplca.url)
      .post('/cont/regSagaApiConpensating')
      .set('x-global-no', 'some-other-saga-1')
      .send({ inetaplcaContPayload: { saInetaplcaContNo: reg.saInetaplcaContNo } });
    expect(res.body).toMatchObject({ status: 409, code: 'CONFLICT', successYn: 'N' });
    expect((await api(s.inetaplca.url).get(`/cont/${reg.saInetaplcaContNo}`)).body).toMatchObject({ delYn: 'N', transacSttus: 'END' });
  });

  test('drills off: compensateYn "Y" → 400 DRILL_NOT_ALLOWED at MS1 (nothing written) and at MS3', async () => {
    const ppon = await startTestService(kind, 'ppon', { INETAPLCA_URL: s.inetaplca.url, INTELNET_URL: s.intelnet.url, DRILLS_ALLOWED: 'false' });
    const intelnet = await startTestService(kind, 'intelnet', { DRILLS_ALLOWED: 'false' });
    try {
      const before = await counts();
      const res = await api(ppon.url).post('/cont/regSagaApi').send({ pponContPayload: validContract({ contr: 'Drill', compensateYn: 'Y' }) });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('DRILL_NOT_ALLOWED');
      expect(await counts()).toEqual(before);
      const ms3 = await api(intelnet.url).post('/cont/regSagaApi').send({ intelnetContPayload: validContract({ saPponContNo: 1, contr: 'Drill', compensateYn: 'Y' }) });
      expect(ms3.body).toMatchObject({ status: 400, code: 'DRILL_NOT_ALLOWED', successYn: 'N' });
      await api(ppon.url).post('/cont/regSagaApi').send({ pponContPayload: validContract({ contr: 'Normal', compensateYn: 'N' }) }).expect(201);
    } finally {
      await ppon.close();
      await intelnet.close();
    }
  });

  test('the drill is an operator\'s: an agent\'s or a supervisor\'s compensateYn "Y" is 403 at MS1 (nothing written) and at MS3', async () => {
    await Promise.all(['demo', 'park', 'contract-operator'].map((who) => mintBearer(who)));
    const before = await counts();
    for (const who of ['demo', 'park']) {
      const res = await api(s.ppon.url, who).post('/cont/regSagaApi').send({ pponContPayload: validContract({ contr: 'Drill', compensateYn: 'Y' }) });
      expect(res.body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      const bus = await api(s.ppon.url, who).post('/cont/regPubsubCompensate').send({ pponContPayload: validContract({ contr: 'Drill' }) });
      expect(bus.body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    }
    expect(await counts()).toEqual(before);
    const ms3 = await api(s.intelnet.url, 'contract-operator').post('/cont/regSagaApi').send({ intelnetContPayload: validContract({ saPponContNo: 1, contr: 'D', compensateYn: 'Y' }) });
    expect(ms3.body).toMatchObject({ status: 422, code: 'DRILL_FAILURE' }); // the operator client may
  });

  test('probes: /healthz, /readyz with the database kind, /metrics', async () => {
    expect((await api(s.ppon.url).get('/healthz').expect(200)).body).toMatchObject({ status: 'ok', service: 'ppon' });
    expect((await api(s.inetaplca.url).get('/readyz').expect(200)).body).toMatchObject({ status: 'ready', db: kind });
    expect((await api(s.intelnet.url).get('/metrics').expect(200)).text).toContain('http_requests_total');
  });
});
