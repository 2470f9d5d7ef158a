import crypto from 'node:crypto';
import request from 'supertest';
import { api, dropTestData, harnessSso, mintBearer, rowsWhere, startThreeServices, startTestService, type ThreeServices } from '../services/support/service-harness';
import { newGlobalNo, settledSaga } from '../services/support/saga-client';
import { mintClientToken, mintUserToken, startDevSso } from '../support/dev-sso';
import { validContract } from '../support/valid-contract';

/** A JWT signed by a key the SSO never published, with exactly the claims a good token has. */
function forgedToken(claims: Record<string, unknown>, alg: 'RS256' | 'HS256' | 'none' = 'RS256'): string {
  const header = Buffer.from(JSON.stringify({ alg, typ: 'at+jwt', kid: 'forged' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const input = `${header}.${body}`;
  if (alg === 'none') return `${input}.`;
  if (alg === 'HS256') return `${input}.${crypto.createHmac('sha256', 'guess').update(input).digest('base64url')}`;
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return `${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

describe('the contract services check who calls and what they may do (real dev SSO, real services)', () => {
  let s: ThreeServices;
  const contract = (contr: string) => ({ pponContPayload: validContract({ contr, payr: contr, svcNo: '02-100-2000' }) });

  beforeAll(async () => {
    s = await startThreeServices('sqlite', {}, { tag: 'auth' });
    await harnessSso();
    for (const who of ['demo', 'kim', 'lee', 'park', 'ops', 'contract-operator', 'contract-ppon']) await mintBearer(who);
  });
  afterAll(async () => {
    await s?.close();
    await dropTestData();
  });

  const register = (who: string, body: object = contract(`C of ${who}`)) => api(s.ppon.url, who).post('/cont/regSagaApi').set('x-global-no', newGlobalNo('auth')).send(body);
  const modify = (who: string, no: number, change: object) => api(s.ppon.url, who).post('/cont/amdSagaApi').set('x-global-no', newGlobalNo('auth')).send({ pponContPayload: { saPponContNo: no, ...change } });
  const countRows = async () => (await s.db('ppon').selectFrom('SA_PPON_CONT').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n;

  it('answers 401 problem to a call without a token, on every service and every route but the probes', async () => {
    for (const url of [s.ppon.url, s.inetaplca.url, s.intelnet.url]) {
      for (const [method, path] of [['get', '/cont'], ['get', '/cont/1'], ['post', '/cont/regSagaApi'], ['post', '/cont/amdSagaApi'], ['get', '/nope']] as const) {
        const res = await request(url)[method](path).send({});
        expect(res.status).toBe(401);
        expect(res.type).toBe('application/problem+json');
        expect(res.body.code).toBe('TOKEN_REQUIRED');
        expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="contract-services"/);
      }
      await request(url).get('/healthz').expect(200);
    }
  });

  it('takes the scheme in any case and any number of spaces (RFC 9110: it is case-insensitive); another scheme is no bearer token', async () => {
    const token = (await mintBearer('demo')).slice('Bearer '.length);
    for (const header of [`bearer ${token}`, `BEARER ${token}`, `Bearer  ${token}`]) await request(s.ppon.url).get('/cont').set('authorization', header).expect(200);
    for (const header of ['Basic ZGVtbzpkZW1vMTIzNA==', 'Token abc']) {
      const res = await request(s.ppon.url).get('/cont').set('authorization', header).expect(401);
      expect(res.body.code).toBe('TOKEN_REQUIRED');
    }
    const malformed = await request(s.ppon.url).get('/cont').set('authorization', 'Bearer not-a-jwt').expect(401);
    expect(malformed.body.code).toBe('TOKEN_INVALID');
  });

  it('answers 401 TOKEN_INVALID to forged, tampered, expired, wrong-audience and unsigned tokens, and writes nothing', async () => {
    const good = (await mintBearer('demo')).slice('Bearer '.length);
    const claims = payloadOf(good);
    const [h, , sig] = good.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, roles: ['supervisor'] })).toString('base64url')}.${sig}`;
    const now = Math.floor(Date.now() / 1000);
    const otherSso = await startDevSso([]);
    let otherIssuer: string;
    try {
      otherIssuer = await mintClientToken(otherSso.issuer, 'contract-operator', 'dev-only-contract-operator-secret');
    } finally {
      await otherSso.stop();
    }
    const before = await countRows();
    const cases: Record<string, string> = {
      'signed by another key': forgedToken({ ...claims, exp: now + 600 }),
      'HMAC with a guessed secret': forgedToken({ ...claims, exp: now + 600 }, 'HS256'),
      'alg none': forgedToken({ ...claims, exp: now + 600 }, 'none'),
      'claims changed after signing': tampered,
      'expired (re-signed by nobody: exp in the past)': forgedToken({ ...claims, exp: now - 3600 }),
      'issued by another SSO': otherIssuer,
      'not a JWT': 'abc.def.ghi',
    };
    for (const [label, token] of Object.entries(cases)) {
      const res = await request(s.ppon.url).post('/cont/regSagaApi').set('authorization', `Bearer ${token}`).send(contract('Forged'));
      expect([label, res.status, res.body.code]).toEqual([label, 401, 'TOKEN_INVALID']);
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    }
    for (const header of ['Basic ZGVtbzpkZW1vMTIzNA==', 'Bearer', good]) {
      const res = await request(s.ppon.url).get('/cont').set('authorization', header);
      expect(res.status).toBe(401);
    }
    expect(await countRows()).toBe(before);
  });

  it('answers 401 to a real token of its SSO once it has expired (exp checked against the clock)', async () => {
    const shortSso = await startDevSso([], { SSO_ACCESS_TOKEN_TTL: '2' });
    const ppon = await startTestService('sqlite', 'ppon', { SSO_ISSUER: shortSso.issuer, EVENT_TOPIC_PREFIX: `auth-exp-${Date.now()}.` });
    try {
      const token = await mintUserToken(shortSso.issuer, 'lee');
      await request(ppon.url).get('/cont').set('authorization', `Bearer ${token}`).expect(200);
      await new Promise((r) => setTimeout(r, 8_000)); // 2 s lifetime + the 5 s clock tolerance
      const res = await request(ppon.url).get('/cont').set('authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'TOKEN_INVALID', detail: 'The bearer token has expired' });
    } finally {
      await ppon.close();
      await shortSso.stop();
    }
  });

  it('lets a viewer read but not register (403, nothing written)', async () => {
    await api(s.ppon.url, 'lee').get('/cont').expect(200);
    const before = await countRows();
    const res = await register('lee');
    expect(res.status).toBe(403);
    expect(res.type).toBe('application/problem+json');
    expect(res.body.code).toBe('FORBIDDEN');
    expect(await countRows()).toBe(before);
  });

  it('takes the audit columns from the token, in all three services, whatever the body says', async () => {
    const res = await register('demo', { pponContPayload: validContract({ contr: 'Audit', mkerId: 'root', mkerNm: 'Not Me' }) }).expect(201);
    const { saPponContNo, saInetaplcaContNo, saIntelnetContNo } = res.body;
    expect((await rowsWhere(s.db('ppon'), 'SA_PPON_CONT', 'SA_PPON_CONT_NO', saPponContNo))[0]).toMatchObject({ MKER_ID: 'demo', MKER_NM: 'Demo User' });
    // MS2 and MS3 were called by MS1 (role saga) acting for demo: the acting user is the maker there too
    expect((await rowsWhere(s.db('inetaplca'), 'SA_INETAPLCA_CONT', 'SA_INETAPLCA_CONT_NO', saInetaplcaContNo))[0]).toMatchObject({ MKER_ID: 'demo', MKER_NM: 'Demo User' });
    expect((await rowsWhere(s.db('intelnet'), 'SA_INTELNET_CONT', 'SA_INTELNET_CONT_NO', saIntelnetContNo))[0]).toMatchObject({ MKER_ID: 'demo', MKER_NM: 'Demo User' });
    await modify('demo', saPponContNo, { payr: 'Changed', amdrId: 'root' }).expect(200);
    expect((await rowsWhere(s.db('inetaplca'), 'SA_INETAPLCA_CONT', 'SA_INETAPLCA_CONT_NO', saInetaplcaContNo))[0]).toMatchObject({ AMDR_ID: 'demo', AMDR_NM: 'Demo User', PAYR: 'Changed' });
  });

  it('carries the acting identity on broker messages: MS2 and MS3 write the user MS1 verified', async () => {
    const ack = await api(s.ppon.url, 'demo').post('/cont/regPubsub').set('x-global-no', newGlobalNo('authbus')).send({ pponContPayload: validContract({ contr: 'By broker', mkerId: 'root' }) }).expect(202);
    const saga = await settledSaga(s.ppon, ack.body.globalNo);
    expect(saga.state).toBe('END');
    const ms1 = (await rowsWhere(s.db('ppon'), 'SA_PPON_CONT', 'SA_PPON_CONT_NO', ack.body.saPponContNo))[0];
    expect(ms1).toMatchObject({ MKER_ID: 'demo', MKER_NM: 'Demo User' });
    expect((await rowsWhere(s.db('inetaplca'), 'SA_INETAPLCA_CONT', 'SA_INETAPLCA_CONT_NO', ms1.SA_INETAPLCA_CONT_NO))[0]).toMatchObject({ MKER_ID: 'demo', MKER_NM: 'Demo User' });
    expect((await rowsWhere(s.db('intelnet'), 'SA_INTELNET_CONT', 'SA_INTELNET_CONT_NO', ms1.SA_INTELNET_CONT_NO))[0]).toMatchObject({ MKER_ID: 'demo', MKER_NM: 'Demo User' });
    const amd = await api(s.ppon.url, 'park').post('/cont/amdPubsub').set('x-global-no', newGlobalNo('authbus')).send({ pponContPayload: { saPponContNo: ack.body.saPponContNo, payr: 'Via bus', amdrId: 'root' } }).expect(202);
    expect((await settledSaga(s.ppon, amd.body.globalNo)).state).toBe('END');
    expect((await rowsWhere(s.db('intelnet'), 'SA_INTELNET_CONT', 'SA_INTELNET_CONT_NO', ms1.SA_INTELNET_CONT_NO))[0]).toMatchObject({ AMDR_ID: 'park', AMDR_NM: 'Park Seojun', PAYR: 'Via bus' });
  });

  it("does not let kim modify demo's contract (403, nothing changes); a supervisor may, and kim may change her own", async () => {
    const demos = (await register('demo')).body.saPponContNo as number;
    const before = (await rowsWhere(s.db('ppon'), 'SA_PPON_CONT', 'SA_PPON_CONT_NO', demos))[0];
    const refused = await modify('kim', demos, { payr: 'Kim was here' });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('FORBIDDEN');
    expect((await rowsWhere(s.db('ppon'), 'SA_PPON_CONT', 'SA_PPON_CONT_NO', demos))[0]).toEqual(before);
    expect(await rowsWhere(s.db('ppon'), 'SA_PPON_CONT_HST', 'SA_PPON_CONT_NO', demos)).toHaveLength(0);
    // the broker-mode entry is guarded the same way
    expect((await api(s.ppon.url, 'kim').post('/cont/amdPubsub').send({ pponContPayload: { saPponContNo: demos, payr: 'x' } })).status).toBe(403);

    await modify('park', demos, { payr: 'Supervisor fix' }).expect(200);
    expect((await rowsWhere(s.db('ppon'), 'SA_PPON_CONT', 'SA_PPON_CONT_NO', demos))[0]).toMatchObject({ PAYR: 'Supervisor fix', AMDR_ID: 'park', MKER_ID: 'demo' });
    const kims = (await register('kim')).body.saPponContNo as number;
    await modify('kim', kims, { payr: 'Mine' }).expect(200);
  });

  it('keeps compensation and saga-step endpoints to the saga and operators', async () => {
    const reg = (await register('demo')).body;
    const comp = { inetaplcaContPayload: { saInetaplcaContNo: reg.saInetaplcaContNo, saPponContNo: reg.saPponContNo } };
    for (const who of ['demo', 'lee', 'park']) {
      for (const [url, path, body] of [
        [s.inetaplca.url, '/cont/regSagaApiConpensating', comp],
        [s.inetaplca.url, '/cont/amdSagaApiConpensating', comp],
        [s.inetaplca.url, '/cont/regSagaApi', { inetaplcaContPayload: validContract({ saPponContNo: reg.saPponContNo, contr: 'x' }) }],
        [s.intelnet.url, '/cont/regSagaApi', { intelnetContPayload: validContract({ saPponContNo: reg.saPponContNo, contr: 'x' }) }],
      ] as const) {
        const res = await api(url, who).post(path).set('x-global-no', reg.globalNo).send(body);
        expect([who, path, res.status, res.body.code]).toEqual([who, path, 403, 'FORBIDDEN']);
      }
    }
    expect((await rowsWhere(s.db('inetaplca'), 'SA_INETAPLCA_CONT', 'SA_INETAPLCA_CONT_NO', reg.saInetaplcaContNo))[0]).toMatchObject({ DEL_YN: 'N', TRANSAC_STTUS: 'END' });
    // an operator (user or client) may repair by hand; the audit says who
    await api(s.inetaplca.url, 'contract-operator').post('/cont/regSagaApiConpensating').set('x-global-no', reg.globalNo).send(comp).expect(200);
    expect((await rowsWhere(s.db('inetaplca'), 'SA_INETAPLCA_CONT', 'SA_INETAPLCA_CONT_NO', reg.saInetaplcaContNo))[0]).toMatchObject({ DEL_YN: 'Y', TRANSAC_STTUS: 'CANCEL' });
  });

  it('keeps any other state-changing call (repairs, future endpoints) to the saga and operators', async () => {
    for (const who of ['demo', 'lee', 'park']) {
      expect((await api(s.ppon.url, who).post('/sagas/some-saga/retry').send({})).status).toBe(403);
      expect((await api(s.inetaplca.url, who).delete('/cont/1')).status).toBe(403);
    }
    expect((await api(s.ppon.url, 'ops').post('/sagas/some-saga/retry').send({})).status).toBe(404);
  });

  it('believes x-acting-user only from the saga itself', async () => {
    const spoof = Buffer.from(JSON.stringify({ sub: 'park', name: 'Park Seojun', roles: ['supervisor'] })).toString('base64url');
    const demos = (await register('demo')).body.saPponContNo as number;
    // kim claiming to act for park gains nothing: the header is ignored for a non-saga caller
    const refused = await api(s.ppon.url, 'kim').post('/cont/amdSagaApi').set('x-acting-user', spoof).send({ pponContPayload: { saPponContNo: demos, payr: 'spoof' } });
    expect(refused.status).toBe(403);
    const kims = (await api(s.ppon.url, 'kim').post('/cont/regSagaApi').set('x-acting-user', spoof).send(contract('Spoof'))).body.saPponContNo;
    expect((await rowsWhere(s.db('ppon'), 'SA_PPON_CONT', 'SA_PPON_CONT_NO', kims))[0]).toMatchObject({ MKER_ID: 'kim' });
    // the saga's own client may name the user it acts for
    const res = await api(s.intelnet.url, 'contract-ppon').post('/cont/regSagaApi').set('x-acting-user', spoof).send({ intelnetContPayload: validContract({ saPponContNo: demos, contr: 'By saga' }) }).expect(201);
    expect((await rowsWhere(s.db('intelnet'), 'SA_INTELNET_CONT', 'SA_INTELNET_CONT_NO', res.body.saIntelnetContNo))[0]).toMatchObject({ MKER_ID: 'park' });
  });

  it('lists what the caller may see, and only their own with mine=true', async () => {
    await register('kim', contract('Mine Filter'));
    const mine = (await api(s.ppon.url, 'kim').get('/cont').query({ mine: 'true', size: 100 }).expect(200)).body;
    expect(mine.total).toBeGreaterThan(0);
    expect(mine.items.every((c: { mkerId: string }) => c.mkerId === 'kim')).toBe(true);
    const all = (await api(s.ppon.url, 'lee').get('/cont').query({ size: 100 }).expect(200)).body;
    expect(all.total).toBeGreaterThan(mine.total);
    expect((await api(s.ppon.url, 'lee').get('/cont').query({ mine: 'true' }).expect(200)).body.total).toBe(0);
    expect((await api(s.ppon.url, 'kim').get('/cont').query({ mine: 'yes' })).status).toBe(400);
  });
});
