import zlib from 'node:zlib';
import request from 'supertest';
import type { ServiceName } from '../../config/service-config';
import { auth, dropTestData, startThreeServices, type ThreeServices } from '../services/support/service-harness';
import { newGlobalNo } from '../services/support/saga-client';
import { rawRequest as rawAnonymous, type RawOptions } from '../proxy/support/raw-request';
import { rowCounts } from './support/row-counts';
import { validContract } from '../support/valid-contract';

const NAMES: ServiceName[] = ['ppon', 'inetaplca', 'intelnet'];
const ENVELOPE: Record<ServiceName, string> = { ppon: 'pponContPayload', inetaplca: 'inetaplcaContPayload', intelnet: 'intelnetContPayload' };
const registerPath = '/cont/regSagaApi';
const json = { 'content-type': 'application/json' };

/**
 * Every call carries a real bearer token of the harness user (ops, role operator: may register on
 * MS1 and call MS2/MS3's saga steps), so that what answers is the hostile-input handling and not
 * the authentication in front of it (a 401 would hide it).
 */
const rawRequest = (url: string, path: string, options: RawOptions = {}) => rawAnonymous(url, path, { ...options, headers: { ...auth(), ...options.headers } });
const post = (url: string) => request(url).post(registerPath).set(auth());

/** Characters no business field may hold: they break logs, CSV exports and what a screen shows. */
const HOSTILE_TEXT: Record<string, string> = {
  NUL: 'Kim\u0000Minsu',
  CR: 'Kim\rMinsu',
  LF: 'Kim\nSet-Cookie: x=1',
  TAB: 'Kim\tMinsu',
  DEL: 'Kim\u007fMinsu',
  'right-to-left override': 'Kim\u202eusniM',
  'left-to-right isolate': 'Kim\u2066Minsu\u2069',
  'right-to-left mark': 'Kim\u200fMinsu',
  'line separator': 'Kim\u2028Minsu',
  'unpaired surrogate': 'Kim\ud800Minsu',
};

describe('the contract services answer hostile input with a 4xx problem, never a 500, and write nothing', () => {
  let s: ThreeServices;
  let before: Record<ServiceName, Record<string, number>>;

  const counts = async () => Object.fromEntries(await Promise.all(NAMES.map(async (n) => [n, await rowCounts(s.db(n))]))) as Record<ServiceName, Record<string, number>>;

  beforeAll(async () => {
    s = await startThreeServices('sqlite');
    before = await counts();
  });
  afterAll(async () => {
    await s?.close();
    await dropTestData();
  });

  const expectProblem = (res: { status: number; header(n: string): string | undefined; body: string }, status: number | number[]) => {
    expect([status].flat()).toContain(res.status);
    expect(res.header('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).not.toMatch(/at \w+ \(|URIError|ZodError|node:internal/);
  };

  it.each(NAMES)('%s: bad percent escapes and encoded separators in the path are a 400', async (name) => {
    for (const path of ['/cont/%ff', '/cont/%ff/history', '/cont/%zz', '/cont/1%2f..%2f2', '/cont/%c0%ae%c0%ae', '/cont/%00']) {
      const res = await rawRequest(s[name].url, path);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expectProblem(res, 400);
    }
  });

  /** Numbers in paths and queries are plain decimal digits: anything else names no number, not another one. */
  const ODD_NUMBERS = ['01', '001', '0x1', '1e3', '1.0', '+1', '-1', '%201', '1%20', '0b1', '1_000', '9007199254740993'];

  it.each(NAMES)('%s: a contract number or page size not in plain decimal digits is a 400 naming the parameter', async (name) => {
    const refused = async (path: string, parameter: string) => {
      const res = await rawRequest(s[name].url, path);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expectProblem(res, 400);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ path: parameter })] });
    };
    for (const odd of ODD_NUMBERS) {
      await refused(`/cont/${odd}`, 'no');
      await refused(`/cont/${odd}/history`, 'no');
      await refused(`/cont?size=${odd}`, 'size');
      await refused(`/cont?page=${odd}`, 'page');
    }
    if (name === 'ppon') {
      for (const odd of ODD_NUMBERS) {
        await refused(`/sagas?limit=${odd}`, 'limit');
        await refused(`/sagas/dead-letters?limit=${odd}`, 'limit');
      }
    }
    expect((await rawRequest(s[name].url, '/cont?size=10&page=1')).status).toBe(200);
  });

  it('ppon: an over-long or badly escaped saga id is a 400/404 problem', async () => {
    for (const path of [`/sagas/${'a'.repeat(101)}`, `/sagas/${'가'.repeat(60)}`, '/sagas/%ff', `/sagas/${'x'.repeat(5000)}`]) {
      const res = await rawRequest(s.ppon.url, path);
      expect({ path: path.slice(0, 40), status: [400, 404].includes(res.status) }).toEqual({ path: path.slice(0, 40), status: true });
      expectProblem(res, [400, 404]);
    }
  });

  it.each(NAMES)('%s: a body whose Content-Encoding lies is a 400, an unknown encoding a 415', async (name) => {
    const body = JSON.stringify({ [ENVELOPE[name]]: { contr: 'x' } });
    const notGzip = await rawRequest(s[name].url, registerPath, { method: 'POST', headers: { ...json, 'content-encoding': 'gzip' }, body });
    expectProblem(notGzip, 400);
    const notDeflate = await rawRequest(s[name].url, registerPath, { method: 'POST', headers: { ...json, 'content-encoding': 'deflate' }, body });
    expectProblem(notDeflate, 400);
    const truncated = zlib.gzipSync(body).subarray(0, 12);
    expectProblem(await rawRequest(s[name].url, registerPath, { method: 'POST', headers: { ...json, 'content-encoding': 'gzip' }, body: truncated }), 400);
    const unknown = await rawRequest(s[name].url, registerPath, { method: 'POST', headers: { ...json, 'content-encoding': 'compress' }, body });
    expectProblem(unknown, 415);
  });

  it.each(NAMES)('%s: a body that is not JSON is a 415', async (name) => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
      const res = await rawRequest(s[name].url, registerPath, { method: 'POST', headers: { 'content-type': type }, body: 'contr=x' });
      expect({ type, status: res.status }).toEqual({ type, status: 415 });
      expectProblem(res, 415);
    }
    const none = await rawRequest(s[name].url, registerPath, { method: 'POST', body: '{"a":1}' });
    expectProblem(none, 415);
  });

  it.each(NAMES)('%s: a JSON body in a charset it cannot read is a 415, broken JSON a 400', async (name) => {
    expectProblem(await rawRequest(s[name].url, registerPath, { method: 'POST', headers: { 'content-type': 'application/json; charset=ebcdic' }, body: '{}' }), 415);
    expectProblem(await rawRequest(s[name].url, registerPath, { method: 'POST', headers: json, body: '{"a":' }), 400);
  });

  it.each(Object.entries(HOSTILE_TEXT))('every service refuses %s in a business field with a 400 naming the field', async (_label, text) => {
    const ppon = await post(s.ppon.url).set('x-global-no', newGlobalNo('bad')).send({ pponContPayload: validContract({ contr: 'ok', payr: text }) });
    expect(ppon.status).toBe(400);
    expect(ppon.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'payr', code: 'INVALID_FORMAT' })]));
    expect(ppon.body.detail).toMatch(/payr/);
    for (const name of ['inetaplca', 'intelnet'] as const) {
      const res = await post(s[name].url).set('x-global-no', newGlobalNo('bad')).send({ [ENVELOPE[name]]: { contr: text, saPponContNo: 1 } });
      expect(res.status).toBe(400);
      expect(res.body.detail).toMatch(/contr/);
    }
  });

  it('wrote nothing for any of the above', async () => {
    expect(await counts()).toEqual(before);
  });

  it('accepts Korean and ordinary punctuation in the same fields', async () => {
    const contract = { ...validContract(), contr: '김민수 (주)한국통신', payr: "O'Brien & Co., Ltd. — 「결제」 #12/3", svcNo: '02-555-0100', admrInfo: '서울시 강남구 테헤란로 1, 10층 ☎ 02)555-0100 ※ 야간 방문 불가!', mkerId: 'op-1', mkerNm: '운영자 하나' };
    const res = await post(s.ppon.url).set('x-global-no', newGlobalNo('kor')).send({ pponContPayload: contract }).expect(201);
    const row = await request(s.ppon.url).get(`/cont/${res.body.saPponContNo}`).set(auth()).expect(200);
    expect(row.body).toMatchObject({ contr: contract.contr, payr: contract.payr, admrInfo: contract.admrInfo });
  });
});
