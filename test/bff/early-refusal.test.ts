import { loginCookie } from '../proxy/support/login-cookie';
import { rawRequest, type RawResponse } from '../proxy/support/raw-request';
import { startSystemWithServices } from '../support/system';

/**
 * A refusal that comes before the body is read (no token, no session, a type or size refused from
 * the headers) reaches the client. Without a lingering close the server closes its socket with the
 * rest of the body unread, the kernel answers the client's next bytes with a reset, and the reset
 * throws away the answer before the client reads it: the client sees ECONNRESET, not the 401.
 * A body of 1 MiB is far past what the socket buffers hold, so the race is lost every time.
 */
describe('a refusal sent before the body is read reaches the client', () => {
  let system: Awaited<ReturnType<typeof startSystemWithServices>>;
  beforeAll(async () => {
    system = await startSystemWithServices();
  }, 60_000);
  afterAll(async () => system?.close());

  const body = Buffer.alloc(1024 * 1024, 'x');
  const tries = 8;
  const refusals = async (url: string, path: string, method: string, headers: Record<string, string>) => {
    const answers: string[] = [];
    const describe = (res: RawResponse) => `${res.status} ${res.json()?.code as string}`;
    for (let i = 0; i < tries; i++) answers.push(await rawRequest(url, path, { method, headers, body, timeoutMs: 10_000 }).then(describe, (err: Error) => err.message));
    return answers;
  };

  it('a service without a token: 401 problem, whatever the method', async () => {
    const { ppon, intelnet } = system.services;
    expect(await refusals(ppon.url, '/cont/regSagaApi', 'POST', { 'content-type': 'application/json' })).toEqual(Array(tries).fill('401 TOKEN_REQUIRED'));
    expect(await refusals(intelnet.url, '/cont/regSagaApiConpensating', 'PROPFIND', { 'content-type': 'application/json' })).toEqual(Array(tries).fill('401 TOKEN_REQUIRED'));
  });

  it('a request line the parser refuses (raw UTF-8 in the path): a 400 problem, from services and BFFs alike', async () => {
    for (const url of [system.services.ppon.url, system.sys.pc.url]) {
      expect(await refusals(url, '/sagas/가나다라', 'PROPFIND', { 'content-type': 'application/json' })).toEqual(Array(tries).fill('400 MALFORMED_REQUEST'));
      // its siblings: headers past the limit, and a control byte in a header value
      expect(await refusals(url, '/cont', 'POST', { 'x-pad': 'p'.repeat(40_000) })).toEqual(Array(tries).fill('431 HEADERS_TOO_LARGE'));
      expect(await refusals(url, '/cont', 'POST', { 'x-bad': 'a\u0001b' })).toEqual(Array(tries).fill('400 MALFORMED_REQUEST'));
    }
  });

  it('a BFF without a session, or with a body type it never reads: a 401 or 415 problem', async () => {
    const { pc, mobile } = system.sys;
    expect(await refusals(pc.url, '/api/contracts', 'POST', { 'content-type': 'application/json', 'x-csrf': '1' })).toEqual(Array(tries).fill('401 SESSION_REQUIRED'));
    const cookie = await loginCookie(system.sys, mobile);
    expect(await refusals(mobile.url, '/api/contracts', 'POST', { cookie, 'x-csrf': '1', 'content-type': 'text/plain' })).toEqual(Array(tries).fill('415 UNSUPPORTED_MEDIA_TYPE'));
  });
});
