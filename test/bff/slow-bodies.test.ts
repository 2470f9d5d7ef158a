import net from 'node:net';
import { loginCookie } from '../proxy/support/login-cookie';
import { startSystemWithServices } from '../support/system';

/** What a client sees of a request whose body it sends as it likes: the answer, when it came, and when the server closed the connection. */
interface Seen {
  status: number;
  code?: string;
  answeredAfterMs: number;
  closedAfterMs: number;
}

/**
 * Writes the request's head, then the body a byte every `trickleMs` (or just its first byte), as
 * a slow or lying client does; resolves once the server has closed the connection (or after 10 s).
 */
function sendSlowly(baseUrl: string, path: string, headers: Record<string, string>, options: { declared: number; trickleMs?: number }): Promise<Seen> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect({ host: hostname, port: Number(port) });
    let answer = '';
    let answeredAfterMs = -1;
    let sent = 0;
    const trickle = setInterval(() => {
      if (!options.trickleMs || sent >= options.declared || !socket.writable) return;
      socket.write('x', () => undefined);
      sent++;
    }, options.trickleMs ?? 60_000);
    const giveUp = setTimeout(() => socket.destroy(), 10_000);
    socket.on('connect', () => {
      const head = [`POST ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, `Content-Length: ${options.declared}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      socket.write(`${head.join('\r\n')}\r\n\r\nx`);
      sent = 1;
    });
    socket.on('data', (chunk) => {
      if (answeredAfterMs < 0) answeredAfterMs = Date.now() - started;
      answer += chunk.toString();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(trickle);
      clearTimeout(giveUp);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      if (!status) return reject(new Error(`no answer within ${Date.now() - started} ms`));
      const code = /"code":"([A-Z_]+)"/.exec(answer)?.[1];
      resolve({ status, code, answeredAfterMs, closedAfterMs: Date.now() - started });
    });
  });
}

/**
 * Nobody holds a connection by announcing a body larger than the route takes, or by sending a
 * small one a byte at a time: the BFFs (and the services) answer 413 at once, or 408 once the body
 * is late, and close the connection. Before, the answer waited for the whole body (or Node's
 * 5 minutes), so 3,000 such connections stayed open from one client without a login.
 */
describe('slow and oversized bodies', () => {
  let system: Awaited<ReturnType<typeof startSystemWithServices>>;
  beforeAll(async () => {
    system = await startSystemWithServices({ env: { BODY_TIMEOUT_MS: '1000' } });
  }, 60_000);
  afterAll(async () => system?.close());

  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };

  it('a body declared larger than the route takes: 413 at once, and the connection closes', async () => {
    const seen = await sendSlowly(system.sys.pc.url, '/bff/backchannel-logout', form, { declared: 100_000 });
    expect(seen).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(seen.answeredAfterMs).toBeLessThan(1_000);
    expect(seen.closedAfterMs).toBeLessThan(4_000);
    // the same behind a session: a contract is at most 256 KiB
    const cookie = await loginCookie(system.sys, system.sys.mobile);
    const api = await sendSlowly(system.sys.mobile.url, '/api/contracts', { cookie, 'X-CSRF': '1', 'Content-Type': 'application/json' }, { declared: 300_000 });
    expect(api).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(api.answeredAfterMs).toBeLessThan(1_000);
  });

  it('a small body sent a byte at a time: 408 once BODY_TIMEOUT_MS has passed, and the connection closes', async () => {
    const seen = await sendSlowly(system.sys.pc.url, '/bff/backchannel-logout', form, { declared: 200, trickleMs: 200 });
    expect(seen).toMatchObject({ status: 408, code: 'REQUEST_TIMEOUT' });
    expect(seen.answeredAfterMs).toBeGreaterThanOrEqual(900);
    expect(seen.answeredAfterMs).toBeLessThan(3_000);
    expect(seen.closedAfterMs).toBeLessThan(6_000);
  });

  it('a contract service: a body declared larger than it takes is refused at once', async () => {
    const token = await system.sys.sso.clientToken('contract-operator');
    const seen = await sendSlowly(system.services.ppon.url, '/cont/regSagaApi', { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, { declared: 100_000 });
    expect(seen).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(seen.answeredAfterMs).toBeLessThan(1_000);
  });

  it('a body that arrives in time is read as before', async () => {
    const res = await fetch(`${system.sys.pc.url}/bff/backchannel-logout`, { method: 'POST', headers: form, body: 'logout_token=not-a-token' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('LOGOUT_TOKEN_INVALID');
  });
});
