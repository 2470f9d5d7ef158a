import request from 'supertest';
import { sessionCookieOf, sessionKeyOf, startBff, type RunningBff } from '../support/bff';
import { DEMO } from '../support/login';
import { startRedisSentinels, type LocalSentinelSet } from '../support/local-redis';
import { devSsoProvider } from '../support/sso-provider';
import { startBffSystem, type BffSystem } from '../support/system';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const COMMAND_TIMEOUT_MS = 1000;

describe('sessions on Redis Sentinel (1 master, 1 replica, 3 Sentinels on loopback): a failover keeps them', () => {
  let set: LocalSentinelSet;
  let sys: BffSystem;
  let second: RunningBff;
  const sentinelEnv = () => ({ REDIS_MODE: 'sentinel', REDIS_SENTINELS: set.seeds, REDIS_SENTINEL_MASTER: set.masterName, REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS), REDIS_REQUIRED: 'true' });

  beforeAll(async () => {
    set = await startRedisSentinels('bff-sessions');
    sys = await startBffSystem({ provider: devSsoProvider, pc: sentinelEnv(), mobile: sentinelEnv() });
    second = await startBff('pc', { ...sys.idp.appEnv('pc'), SESSION_PREFIX: sys.pc.config.sessionPrefix, ...sentinelEnv() });
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await sys?.close();
    await set?.close();
  });

  it('writes sessions to the master the Sentinels name, the replica has them; after SIGKILL of the master the replica is promoted and the sessions survive', async () => {
    expect(await set.currentMaster()).toBe(set.master.port);
    const logins = await Promise.all([sys.loginAt(sys.pc, DEMO), sys.loginAt(sys.pc, DEMO), sys.loginAt(sys.mobile, DEMO)]);
    const sessions = logins.map(({ bff: agent }, i) => {
      const app = i < 2 ? sys.pc : sys.mobile;
      const cookie = sessionCookieOf(agent, app);
      return { agent, app, cookie, key: sessionKeyOf(app, cookie) };
    });
    for (const s of sessions) expect(await set.master.direct.exists(s.key)).toBe(1);
    // replication is asynchronous: wait until the replica acknowledged what the master has
    expect(await set.master.direct.call('WAIT', 1, 5000)).toBe(1);
    for (const s of sessions) expect(await set.replica.direct.exists(s.key)).toBe(1);

    set.master.child.kill('SIGKILL');
    const killedAt = Date.now();
    // during the failover a request is answered quickly (503), never held
    let worst = 0;
    let sawUnavailable = false;
    for (;;) {
      const started = Date.now();
      const res = await request(second.url).get('/bff/user').set('Cookie', sessions[0].cookie);
      worst = Math.max(worst, Date.now() - started);
      if (res.status === 200) break;
      expect([res.status, res.body.code]).toEqual([503, 'SESSION_STORE_UNAVAILABLE']);
      sawUnavailable = true;
      if (Date.now() - killedAt > 30_000) throw new Error('no failover within 30 s');
      await sleep(100);
    }
    const outageMs = Date.now() - killedAt;
    console.log(`sentinel failover: sessions answered again ${outageMs} ms after SIGKILL of the master (slowest request ${worst} ms)`);
    expect(sawUnavailable).toBe(true);
    expect(worst).toBeLessThan(COMMAND_TIMEOUT_MS + 2000);
    expect(await set.currentMaster()).toBe(set.replica.port);

    // every session survived, on both instances and both apps; writes go to the promoted replica
    for (const s of sessions) {
      const url = s.app === sys.pc ? sys.pc.url : sys.mobile.url;
      const res = await request(url).get('/bff/user').set('Cookie', s.cookie);
      expect([res.status, res.body.sub]).toEqual([200, 'demo']);
    }
    await request(second.url).get('/bff/user').set('Cookie', sessions[1].cookie).expect(200);
    const fresh = await sys.loginAt(sys.pc, DEMO);
    const freshKey = sessionKeyOf(sys.pc, sessionCookieOf(fresh.bff, sys.pc));
    expect(await set.replica.direct.exists(freshKey)).toBe(1);
    const { logoutUrl } = (await sessions[0].agent.get('/bff/user').expect(200)).body;
    await sessions[0].agent.get(logoutUrl).expect(302);
    expect(await set.replica.direct.exists(sessions[0].key)).toBe(0);

    // the old master, restarted, is turned into a replica of the new one by the Sentinels
    await set.master.restart();
    const back = Date.now();
    while (!/role:slave/.test(await set.master.direct.info('replication').catch(() => ''))) {
      if (Date.now() - back > 20_000) throw new Error('the old master did not rejoin as a replica');
      await sleep(200);
    }
    await request(sys.pc.url).get('/bff/user').set('Cookie', sessions[1].cookie).expect(200);
  }, 90_000);
});
