import { Redis } from 'ioredis';
import { testPrefix } from '../support/bff';
import { DEMO, KIM, type Agent } from '../support/login';
import { useBffSystem } from '../support/system';

const redis = new Redis('redis://127.0.0.1:6379');

/** The index sets' members that belong to this test file's sessions (the sets are shared by every run on this Redis). */
const ours = async (setKey: string) => (await redis.smembers(setKey)).filter((m) => m.startsWith(testPrefix)).sort();
const sessionKeyOf = (prefix: string, agent: Agent, cookieName = 'bff.pc.sid') => {
  const jar = (agent as unknown as { jar: { getCookies(o: object): { name: string; value: string }[] } }).jar;
  const cookie = jar.getCookies({ domain: 'localhost', path: '/', secure: false, script: false }).find((c) => c.name === cookieName)!;
  // s:<id>.<signature>
  return prefix + decodeURIComponent(cookie.value).slice(2).split('.')[0];
};
const gone = async (key: string) => {
  for (let i = 0; i < 50 && (await redis.exists(key)); i++) await new Promise((r) => setTimeout(r, 200));
  return (await redis.exists(key)) === 0;
};

describe('the SSO session index (bff:sso:sub:* / sid:*) keeps only sessions that still exist', () => {
  // Sessions that expire after 2 s idle, as a forgotten browser tab's would after 20 minutes.
  const sys = useBffSystem({ pc: { SESSION_IDLE_SECONDS: '2', SESSION_ABSOLUTE_SECONDS: '60' } });
  afterAll(() => redis.disconnect());

  it("drops a user's expired sessions from the index at the next login", async () => {
    const prefix = sys.pc.config.sessionPrefix;
    const first = sessionKeyOf(prefix, await sys.login(sys.pc, DEMO));
    expect(await ours('bff:sso:sub:demo')).toContain(first);
    expect(await gone(first)).toBe(true);
    const second = sessionKeyOf(prefix, await sys.login(sys.pc, DEMO));
    expect(await ours('bff:sso:sub:demo')).toEqual([second]);
  });

  it('a sweep drops every id whose session is gone, by sub and by sid, and keeps live ones', async () => {
    const prefix = sys.pc.config.sessionPrefix;
    // The live session first, on mobile (2 h idle, so the slow scans below cannot expire it): the
    // background sweep its login starts (one per app every 10 minutes) is over long before the
    // session below has expired, so whatever is dropped later is dropped by the sweep called here.
    const live = await sys.login(sys.mobile, KIM);
    const liveKey = sessionKeyOf(sys.mobile.config.sessionPrefix, live, 'bff.mobile.sid');
    const expiring = sessionKeyOf(prefix, await sys.login(sys.pc, KIM));
    expect(await gone(expiring)).toBe(true);
    // An SSO session's set left holding a dead id next to a live one, as an expiry leaves it.
    const sidSet = `bff:sso:sid:${testPrefix}sweep`;
    await redis.multi().sadd(sidSet, expiring, liveKey).expire(sidSet, 60).exec();
    const holding = async () => {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', 'bff:sso:*', 'COUNT', 1000);
        cursor = next;
        for (const key of keys) if ((await redis.type(key)) === 'set' && (await ours(key)).includes(expiring)) found.push(key);
      } while (cursor !== '0');
      return found;
    };
    // Dead here: kim's sub set, kim's SSO-session set and the planted one each still name it.
    const before = await holding();
    expect(before).toEqual(expect.arrayContaining(['bff:sso:sub:kim', sidSet]));
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(await sys.pc.runtime.sessionIndex.sweep()).toBeGreaterThanOrEqual(before.length);
    expect(await holding()).toEqual([]);
    expect(await ours(sidSet)).toEqual([liveKey]);
    expect(await ours('bff:sso:sub:kim')).toContain(liveKey);
    await live.get('/bff/user').expect(200);
    await redis.del(sidSet);
  });
});
