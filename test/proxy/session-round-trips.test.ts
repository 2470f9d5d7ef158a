import http from 'node:http';
import Redis from 'ioredis';
import net from 'node:net';
import request from 'supertest';
import type { RunningServer } from '../../lib/http/serve';
import { startLegacyApp } from '../../sandbox/legacy-app/start-legacy-app';
import { startBffSystem, type BffSystem } from '../support/system';
import { loginCookie } from './support/login-cookie';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every Redis command naming one of these key prefixes, as Redis itself saw it (MONITOR on a raw socket), while `run` runs. */
async function redisCommandsDuring(redisUrl: string, prefixes: string[], run: () => Promise<void>, keys: string[] = []): Promise<string[]> {
  const { hostname, port } = new URL(redisUrl);
  const socket = net.connect(Number(port || 6379), hostname);
  let lines = '';
  socket.on('data', (chunk: Buffer) => (lines += chunk.toString('latin1')));
  socket.write('MONITOR\r\n');
  try {
    while (!lines.startsWith('+OK')) await sleep(20);
    await run();
    await sleep(300); // MONITOR lines may arrive after the replies
  } finally {
    socket.destroy();
  }
  // +1795688746.588057 [0 127.0.0.1:44120] "get" "prefix:…" ("mget" "prefix:a" "prefix:b" …); `keys` collects the keys named
  const named = lines.split('\r\n').filter((line) => prefixes.some((p) => line.includes(`"${p}`)));
  for (const line of named) for (const m of line.matchAll(/"([^"]*)"/g)) if (prefixes.some((p) => m[1].startsWith(p))) keys.push(m[1]);
  return named.map((line) => /\] "([^"]+)"/.exec(line)![1].toLowerCase());
}

describe('the session on legacy rows: one Redis round trip per logged-in request', () => {
  let legacy: RunningServer;
  let sys: BffSystem;

  beforeAll(async () => {
    legacy = await startLegacyApp(0);
    // pc: the default 20 min idle timeout (its idle clock moves once a minute); mobile: 3 s, so it moves every 300 ms.
    sys = await startBffSystem({ pc: { LEGACY_APP_URL: legacy.url }, mobile: { LEGACY_APP_URL: legacy.url, SESSION_IDLE_SECONDS: '3' } });
  });
  afterAll(async () => {
    await sys?.close();
    await legacy?.close();
  });

  it('reads an unchanged session with exactly one read per request, writes nothing and sets no cookie', async () => {
    const { config } = sys.pc;
    const cookie = await loginCookie(sys, sys.pc);
    await sleep(500); // the login's own bookkeeping (the session index prunes its set) is done
    const n = 25;
    const commands = await redisCommandsDuring(config.redisUrl, [config.sessionPrefix], async () => {
      for (let i = 0; i < n; i++) {
        const res = await request(sys.pc.url).get('/legacy/app/echo').set('Cookie', cookie).expect(200);
        expect(res.body.headers['x-user-sub']).toBe('demo');
        expect(res.headers['set-cookie']).toBeUndefined();
      }
    });
    // One read a request (an MGET gathers the requests of one event-loop turn; these come one by one).
    expect(commands).toEqual(Array(n).fill('mget'));
  });

  it('gathers the reads of concurrent requests into fewer commands, each request still reading its session once', async () => {
    const { config } = sys.pc;
    const cookie = await loginCookie(sys, sys.pc);
    await sleep(500);
    const n = 30;
    // 30 keep-alive connections, opened first: then the 30 requests reach the BFF together, as under load.
    const agent = new http.Agent({ keepAlive: true, maxSockets: n });
    const all = () => Promise.all(Array.from({ length: n }, () => request(sys.pc.url).get('/legacy/app/echo').agent(agent).set('Cookie', cookie)));
    await all();
    const keys: string[] = [];
    const commands = await redisCommandsDuring(config.redisUrl, [config.sessionPrefix], async () => {
      for (const res of await all()) expect([res.status, res.body.headers?.['x-user-sub']]).toEqual([200, 'demo']);
    }, keys);
    agent.destroy();
    expect(commands.every((c) => c === 'mget')).toBe(true);
    expect(keys.length).toBe(n);
    expect(new Set(keys).size).toBe(1);
    expect(commands.length).toBeLessThan(n);
  });

  it('never reads the session for a public row, nor for a session row without a valid cookie', async () => {
    const { config } = sys.pc;
    const cookie = await loginCookie(sys, sys.pc);
    await sleep(500);
    const forged = cookie.replace(/\.[^.]+$/, '.forgedsignature');
    const commands = await redisCommandsDuring(config.redisUrl, [config.sessionPrefix], async () => {
      await request(sys.pc.url).get('/legacy/notice/').set('Cookie', cookie).expect(200);
      const res = await request(sys.pc.url).get('/legacy/app/echo').set('Cookie', forged).set('Accept', 'application/json').expect(401);
      expect(res.body.code).toBe('SESSION_REQUIRED');
      await request(sys.pc.url).get('/legacy/app/echo').set('Accept', 'application/json').expect(401);
    });
    expect(commands).toEqual([]);
  });

  it('reads a session that is gone once, then answers as without a session (401 / redirect to sign-in)', async () => {
    const { config } = sys.pc;
    const cookie = await loginCookie(sys, sys.pc);
    await sleep(500);
    const id = decodeURIComponent(cookie.split('=')[1]).slice(2).replace(/\.[^.]+$/, '');
    const direct = new Redis(config.redisUrl);
    await direct.del(`${config.sessionPrefix}${id}`); // as a logout at another instance does
    await direct.quit();
    const keys: string[] = [];
    const commands = await redisCommandsDuring(config.redisUrl, [config.sessionPrefix], async () => {
      const res = await request(sys.pc.url).get('/legacy/app/echo').set('Cookie', cookie).set('Accept', 'application/json').expect(401);
      expect(res.body.code).toBe('SESSION_REQUIRED');
    }, keys);
    // the fast path hands its answer to Express, which does not read it a second time
    expect(keys).toEqual([`${config.sessionPrefix}${id}`]);
    expect(commands).toEqual(['mget']);
  });

  it('still moves the idle clock (one write, a fresh cookie) when it is due, and ends an idle session', async () => {
    const { config } = sys.mobile;
    const cookie = await loginCookie(sys, sys.mobile);
    await sleep(400); // past a tenth of the 3 s idle timeout
    const commands = await redisCommandsDuring(config.redisUrl, [config.sessionPrefix], async () => {
      const res = await request(sys.mobile.url).get('/legacy/app/echo').set('Cookie', cookie).expect(200);
      expect(res.headers['set-cookie']?.[0]).toMatch(new RegExp(`^${config.sessionCookieName}=`));
    });
    expect(commands.filter((c) => c !== 'get' && c !== 'mget').length).toBeGreaterThan(0); // the session was saved with its new lastSeenAt
    await sleep(3_200);
    const ended = await request(sys.mobile.url).get('/legacy/app/echo').set('Cookie', cookie).set('Accept', 'application/json').expect(401);
    // Ended by the BFF (SESSION_EXPIRED) or, as here, already gone from Redis with its TTL (SESSION_REQUIRED).
    expect(['SESSION_EXPIRED', 'SESSION_REQUIRED']).toContain(ended.body.code);
  }, 20_000);
});
