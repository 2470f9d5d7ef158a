import request from 'supertest';
import { sessionCookieOf, sessionKeyOf, startBff, type RunningBff } from '../support/bff';
import { DEMO, KIM, type Agent } from '../support/login';
import { startRedisCluster, type LocalRedisCluster } from '../support/local-redis';
import { devSsoProvider, type SsoBrowser } from '../support/sso-provider';
import { startBffSystem, type BffSystem } from '../support/system';
import { createRedis, type RedisClient } from '../../lib/redis/create-redis';
import { createLogger } from '../../lib/http/logger';
import { redisSessionIndex } from '../../core/session/session-index';
import { redisFileIndex } from '../../core/files/redis-file-index';
import { redisKeyValueStore } from '../../core/cache/key-value-store';
import { scanKeys } from '../../lib/redis/scan-keys';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const COMMAND_TIMEOUT_MS = 1000;

interface Session {
  agent: Agent;
  app: RunningBff;
  cookie: string;
  /** The session's Redis key, and the port of the master that holds it. */
  key: string;
  owner: number;
}

describe('sessions on a 3-node Redis Cluster (local redis-servers, two PC instances, real dev SSO)', () => {
  let cluster: LocalRedisCluster;
  let sys: BffSystem;
  let second: RunningBff;
  let client: RedisClient;
  const clusterEnv = () => ({ REDIS_MODE: 'cluster', REDIS_CLUSTER_NODES: cluster.seeds, REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS), REDIS_REQUIRED: 'true' });

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    // access tokens of 6 s: refreshed 2 s before they expire
    sys = await startBffSystem({ provider: devSsoProvider, pc: clusterEnv(), mobile: clusterEnv(), accessTokenSeconds: 6 });
    second = await startBff('pc', { ...sys.idp.appEnv('pc'), SESSION_PREFIX: sys.pc.config.sessionPrefix, ...clusterEnv() });
    client = createRedis({ mode: 'cluster', nodes: cluster.masters.map((m) => ({ host: '127.0.0.1', port: m.port })), tls: false }, createLogger({ name: 'test', level: 'silent' }));
    await client.connect();
  }, 60_000);
  afterAll(async () => {
    await client?.quit().catch(() => undefined);
    await second?.close();
    await sys?.close();
    await cluster?.close();
  });

  async function login(app: RunningBff, who = DEMO, browser?: SsoBrowser): Promise<Session> {
    const { bff: agent, callback } = await sys.loginAt(app, who, browser ? { browser } : {});
    if (callback.status !== 302) throw new Error(`login answered ${callback.status}: ${callback.text}`);
    const cookie = sessionCookieOf(agent, app);
    const key = sessionKeyOf(app, cookie);
    return { agent, app, cookie, key, owner: await cluster.ownerOf(key) };
  }

  /** Logs in (on PC) until every master holds at least one session; returns one per master. */
  async function sessionOnEachMaster(): Promise<Map<number, Session>> {
    const found = new Map<number, Session>();
    for (let i = 0; i < 40 && found.size < cluster.masters.length; i++) {
      const s = await login(sys.pc);
      if (!found.has(s.owner)) found.set(s.owner, s);
    }
    expect(found.size).toBe(cluster.masters.length);
    return found;
  }
  const master = (port: number) => cluster.masters.find((m) => m.port === port)!;
  const userOn = (url: string, s: Session) => request(url).get('/bff/user').set('Cookie', s.cookie);

  it('spreads the sessions over the three masters, each key on exactly one, and both instances see every session', async () => {
    const sessions = [...(await sessionOnEachMaster()).values()];
    expect(new Set(sessions.map((s) => s.owner)).size).toBe(3);
    for (const s of sessions) {
      // asked of each process directly, not through the cluster routing
      const slot = Number(await client.cluster('KEYSLOT', s.key));
      const held = await Promise.all(cluster.masters.map(async (m) => (await m.direct.cluster('GETKEYSINSLOT', slot, 1000)).includes(s.key)));
      expect(held).toEqual(cluster.masters.map((m) => m.port === s.owner));
      for (const url of [sys.pc.url, second.url]) expect((await userOn(url, s).expect(200)).body.sub).toBe('demo');
    }
    // a session of the mobile app lives in the same cluster under its own prefix
    const mobile = await login(sys.mobile);
    expect(mobile.key.startsWith(sys.mobile.config.sessionPrefix)).toBe(true);
    await mobile.agent.get('/bff/user').expect(200);
  });

  it('ends, on a back-channel logout, every session of one SSO session on PC and mobile, wherever their keys live', async () => {
    const browser = sys.idp.browser();
    const ended: Session[] = [await login(sys.pc, KIM, browser), await login(sys.mobile, KIM, browser)];
    // single sign-on: more sessions of the same SSO session, until they sit on at least two masters
    for (let i = 0; i < 12 && new Set(ended.map((s) => s.owner)).size < 3; i++) ended.push(await login(i % 2 ? sys.mobile : sys.pc, KIM, browser));
    expect(new Set(ended.map((s) => s.owner)).size).toBeGreaterThanOrEqual(2);
    const bystanders = [...(await sessionOnEachMaster()).values()];

    const first = ended[0];
    const { logoutUrl } = (await first.agent.get('/bff/user').expect(200)).body;
    const endSessionUrl = (await first.agent.get(logoutUrl).expect(302)).headers.location;
    await sys.idp.endSession(browser, endSessionUrl);

    for (const s of ended) {
      expect([s.key, (await s.agent.get('/bff/user')).status]).toEqual([s.key, 401]);
      expect(await client.exists(s.key)).toBe(0);
    }
    for (const s of ended.filter((e) => e.app === sys.pc)) await userOn(second.url, s).expect(401);
    for (const s of bystanders) await userOn(second.url, s).expect(200);
    // no SSO-session set still names an ended session (the user's own set is pruned at the next login or sweep)
    const members: string[] = [];
    await scanKeys(client, 'bff:sso:sid:*', async (keys) => {
      for (const key of keys) members.push(...(await client.smembers(key)));
    });
    expect(members.filter((m) => ended.some((s) => s.key === m))).toEqual([]);
  });

  it('lists and ends a user\'s sessions of both apps wherever their keys live (one-key commands only)', async () => {
    const park = { username: 'park', password: 'park1234' };
    const mine: Session[] = [await login(sys.pc, park), await login(sys.mobile, park)];
    for (let i = 0; i < 12 && new Set(mine.map((s) => s.owner)).size < 3; i++) mine.push(await login(i % 2 ? sys.mobile : sys.pc, park));
    expect(new Set(mine.map((s) => s.owner)).size).toBeGreaterThanOrEqual(2);
    const [here, ...others] = mine;
    const listed = (await here.agent.get('/bff/sessions').expect(200)).body.sessions as { app: string; current: boolean }[];
    expect(listed).toHaveLength(mine.length);
    expect(listed.filter((s) => s.current)).toHaveLength(1);
    expect(new Set(listed.map((s) => s.app))).toEqual(new Set(['pc', 'mobile']));
    expect((await here.agent.delete('/bff/sessions').set('X-CSRF', '1').expect(200)).body.ended).toBe(others.length);
    for (const s of others) {
      expect([s.key, (await s.agent.get('/bff/user')).status]).toEqual([s.key, 401]);
      expect(await client.exists(s.key)).toBe(0);
    }
    await userOn(second.url, here).expect(200);
    expect((await here.agent.get('/bff/sessions').expect(200)).body.sessions).toHaveLength(1);
  });

  it('refreshes the access token exactly once for 20 parallel requests on two instances, the lock in the Cluster', async () => {
    const s = await login(sys.pc);
    const before = JSON.parse((await client.get(s.key))!).tokens;
    while (Date.now() < before.refreshAt + 50) await sleep(50);
    const refreshesBefore = (await sys.idp.counts()).refreshes;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => request(i % 2 ? second.url : sys.pc.url).get('/api/menu').set('Cookie', s.cookie).set('X-CSRF', '1')));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect((await sys.idp.counts()).refreshes - refreshesBefore).toBe(1);
    expect(JSON.parse((await client.get(s.key))!).tokens.accessToken).not.toBe(before.accessToken);
  });

  it('counts a rate limit across instances in the Cluster (429 + Retry-After on both)', async () => {
    const limitEnv = { ...sys.idp.appEnv('pc'), ...clusterEnv(), RATE_LIMIT_LOGIN_PER_IP: '4', RATE_LIMIT_PREFIX: `${sys.pc.config.sessionPrefix}rl:` };
    const [a, b] = [await startBff('pc', limitEnv), await startBff('pc', limitEnv)];
    try {
      for (const app of [a, b, a, b]) await request(app.url).get('/bff/login').expect(302);
      for (const app of [a, b]) {
        const res = await request(app.url).get('/bff/login');
        expect([res.status, res.body.code]).toEqual([429, 'TOO_MANY_REQUESTS']);
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('keeps the file index, the view cache and the index sweep working across the masters (a SCAN visits every master)', async () => {
    const prefix = `${sys.pc.config.sessionPrefix}cluster-check:`;
    const files = redisFileIndex(client, `${prefix}files:`);
    const ids = Array.from({ length: 24 }, (_, i) => `f${i}`);
    for (const [i, id] of ids.entries()) await files.put({ id, owner: 'demo', name: `${id}.txt`, size: 1, kind: 'txt', contentType: 'text/plain', createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() });
    expect(new Set(await Promise.all(ids.map((id) => cluster.ownerOf(`${prefix}files:file:${id}`)))).size).toBe(3);
    expect((await files.listOf('demo')).map((f) => f.id)).toEqual([...ids].reverse());
    expect((await files.all()).map((f) => f.id).sort()).toEqual([...ids].sort());
    await files.remove((await files.get('f3'))!);
    expect((await files.listOf('demo')).length).toBe(23);

    const kv = redisKeyValueStore(client);
    await kv.set(`${prefix}view:1`, '{"a":1}', 60);
    expect(await kv.get(`${prefix}view:1`)).toBe('{"a":1}');
    expect(await kv.setIfAbsent(`${prefix}idem:1`, 'x', 60)).toBe(true);
    expect(await kv.setIfAbsent(`${prefix}idem:1`, 'y', 60)).toBe(false);

    // index sets naming sessions that are gone (as expiry leaves them), hashed to every master
    const index = redisSessionIndex(client, `${prefix}sess:`);
    const sets = Array.from({ length: 12 }, (_, i) => [`bff:sso:sub:ghost-${i}`, `bff:sso:sid:ghost-${i}`]).flat();
    for (const set of sets) await client.sadd(set, `${prefix}sess:gone`);
    expect(new Set(await Promise.all(sets.map((set) => cluster.ownerOf(set)))).size).toBe(3);
    expect(await index.sweep()).toBeGreaterThanOrEqual(sets.length);
    expect(await Promise.all(sets.map((set) => client.exists(set)))).toEqual(sets.map(() => 0));
  });

  it('a hung master (SIGSTOP): its sessions answer 503 within the command timeout, the others 200; all back after SIGCONT', async () => {
    const sessions = await sessionOnEachMaster();
    const [victimPort, victim] = [...sessions.entries()][0];
    const others = [...sessions.values()].filter((s) => s !== victim);
    master(victimPort).child.kill('SIGSTOP');
    try {
      for (const url of [sys.pc.url, second.url]) {
        const started = Date.now();
        const res = await userOn(url, victim);
        const took = Date.now() - started;
        expect([res.status, res.body.code, res.headers['content-type']]).toEqual([503, 'SESSION_STORE_UNAVAILABLE', expect.stringMatching(/application\/problem\+json/)]);
        expect(took).toBeLessThan(COMMAND_TIMEOUT_MS + 2000);
        console.log(`cluster, hung master: 503 after ${took} ms (REDIS_COMMAND_TIMEOUT_MS=${COMMAND_TIMEOUT_MS})`);
        for (const s of others) expect((await userOn(url, s)).status).toBe(200);
      }
      await request(sys.pc.url).get('/healthz').expect(200);
      // still ready: the other masters answer
      await request(sys.pc.url).get('/readyz').expect(200);
      // and still once the cluster itself declared the node failed (cluster-node-timeout 2 s)
      const witness = master(others[0].owner).direct;
      const since = Date.now();
      while (!new RegExp(`:${victimPort}@\\d+ master,fail `).test(String(await witness.cluster('NODES')))) {
        if (Date.now() - since > 15_000) throw new Error('the cluster never declared the hung master failed');
        await sleep(200);
      }
      for (const s of others) await userOn(second.url, s).expect(200);
      expect((await userOn(sys.pc.url, victim)).status).toBe(503);
    } finally {
      master(victimPort).child.kill('SIGCONT');
    }
    const started = Date.now();
    while ((await userOn(sys.pc.url, victim)).status !== 200) {
      if (Date.now() - started > 15_000) throw new Error('the session on the resumed master did not come back');
      await sleep(200);
    }
    console.log(`cluster, resumed master: its session answered again ${Date.now() - started} ms after SIGCONT`);
    await userOn(second.url, victim).expect(200);
  }, 60_000);

  it('a killed master: its sessions answer 503 at once, the others 200, a login it cannot index leaves no session; restarted (no persistence) it takes its slots back and logins land there again', async () => {
    const sessions = await sessionOnEachMaster();
    // the master that holds demo's SSO-index set
    const victimPort = await cluster.ownerOf('bff:sso:sub:demo');
    const victim = sessions.get(victimPort)!;
    const others = [...sessions.values()].filter((s) => s !== victim);
    const node = master(victimPort);
    node.child.kill('SIGKILL');
    await new Promise((r) => node.child.once('exit', r));
    const started = Date.now();
    const res = await userOn(sys.pc.url, victim);
    expect([res.status, res.body.code]).toEqual([503, 'SESSION_STORE_UNAVAILABLE']);
    const took = Date.now() - started;
    expect(took).toBeLessThan(COMMAND_TIMEOUT_MS + 1000);
    console.log(`cluster, killed master: 503 after ${took} ms`);
    for (const s of others) for (const url of [sys.pc.url, second.url]) expect((await userOn(url, s)).status).toBe(200);
    // a new session of demo cannot be indexed: the login answers 503 and hands out no session
    // (most attempts save the session on a live master first; it is destroyed again)
    for (let i = 0; i < 3; i++) {
      const { bff, callback } = await sys.loginAt(sys.pc, DEMO);
      expect([callback.status, callback.body.code]).toEqual([503, 'SESSION_STORE_UNAVAILABLE']);
      // no usable session: none (401), or a cookie naming a session on the lost master that was never stored (503)
      expect([401, 503]).toContain((await bff.get('/bff/user')).status);
    }

    await node.restart();
    const back = Date.now();
    // this redis-server kept nothing on disk: the session is gone, which the BFF reads as logged out
    while ((await userOn(second.url, victim)).status !== 401) {
      if (Date.now() - back > 15_000) throw new Error('the restarted master did not take its slots back');
      await sleep(200);
    }
    console.log(`cluster, restarted master: serving its slots again ${Date.now() - back} ms after its restart`);
    const again = await sessionOnEachMaster();
    await again.get(victimPort)!.agent.get('/bff/user').expect(200);
    for (const s of others) await userOn(sys.pc.url, s).expect(200);
  }, 90_000);
});

describe("why the Cluster's nodes must run with cluster-require-full-coverage no", () => {
  it('with the default (yes), one hung master stops every slot of the cluster once it is declared failed', async () => {
    const cluster = await startRedisCluster(3, { requireFullCoverage: true });
    const client = createRedis({ mode: 'cluster', nodes: [{ host: '127.0.0.1', port: cluster.masters[0].port }], tls: false }, createLogger({ name: 'test', level: 'silent' }), { commandTimeoutMs: COMMAND_TIMEOUT_MS });
    try {
      await client.connect();
      const keyOn = async (port: number) => {
        for (let i = 0; ; i++) if ((await cluster.ownerOf(`k${i}`)) === port) return `k${i}`;
      };
      const [hung, live] = cluster.masters;
      const liveKey = await keyOn(live.port);
      await client.set(liveKey, 'v');
      hung.child.kill('SIGSTOP');
      try {
        const started = Date.now();
        while (!/cluster_state:fail/.test(String(await live.direct.cluster('INFO')))) {
          if (Date.now() - started > 15_000) throw new Error('the cluster never declared the hung node failed');
          await sleep(200);
        }
        // a key whose master is alive and well, refused all the same: by that master itself, and so to the client
        await expect(live.direct.get(liveKey)).rejects.toThrow(/CLUSTERDOWN/);
        await expect(client.get(liveKey)).rejects.toThrow();
      } finally {
        hung.child.kill('SIGCONT');
      }
    } finally {
      client.disconnect();
      await cluster.close();
    }
  }, 40_000);
});
