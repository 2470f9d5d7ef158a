import request from 'supertest';
import { Redis } from 'ioredis';
import { dropTestData, startThreeServices, viewTestEnv, type ThreeServices } from '../services/support/service-harness';
import { loadContractViewConfig } from '../../config/contract-view-config';
import { startContractView, type RunningContractView } from '../../services/contract-view/run-contract-view';
import { startBff, type RunningBff } from '../support/bff';
import { DEMO, KIM, LEE, PARK, type Agent } from '../support/login';
import { SSO_PROVIDERS } from '../support/sso-provider';
import { startBffSystem, type BffSystem } from '../support/system';
import { validContract } from '../support/valid-contract';

const redis = new Redis('redis://127.0.0.1:6379');
afterAll(async () => {
  await dropTestData();
  redis.disconnect();
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sessionIdOf = (cookie: string) => decodeURIComponent(cookie.split('=')[1]).slice(2).split('.')[0];

interface Recorded {
  what: string;
  bytes: string;
}

/** Every byte the browser receives from the BFF: status line, each header, each cookie, the body. */
function record(log: Recorded[], what: string, res: request.Response) {
  const headers = Object.entries(res.headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join('\n') : String(v)}`).join('\n');
  log.push({ what, bytes: `${res.status}\n${headers}\n\n${res.text ?? ''}` });
  return res;
}

describe.each(SSO_PROVIDERS)('tokens stay on the server and are refreshed once per session (real %s, services, two BFF instances)', (_name, provider) => {
  let services: ThreeServices;
  let sys: BffSystem;
  let second: RunningBff;
  let view: RunningContractView;
  const env: Record<string, string> = { SESSION_IDLE_SECONDS: '20' };
  const mobileEnv: Record<string, string> = { SSO_END_SESSION_HINT: 'client_id' };

  beforeAll(async () => {
    sys = await startBffSystem({
      provider,
      pc: env,
      mobile: mobileEnv,
      // access tokens of 6 s: refreshed 2 s (a third of that) before they expire
      accessTokenSeconds: 6,
      beforeApps: async (sso) => {
        // the services trust the same provider (their SSO_ISSUER) and call each other with its client-credentials tokens
        const serviceOptions = { tag: `tokens-${provider.name.replace(/\W/g, '')}`, ssoIssuer: sso.issuer };
        services = await startThreeServices('sqlite', {}, serviceOptions);
        const urls = { pponUrl: services.ppon.url, inetaplcaUrl: services.inetaplca.url, intelnetUrl: services.intelnet.url };
        // The lists read the contract view, which follows the services' events.
        view = await startContractView(loadContractViewConfig(viewTestEnv('sqlite', { ...serviceOptions, ...urls })));
        Object.assign(env, { PPON_URL: services.ppon.url, INETAPLCA_URL: services.inetaplca.url, INTELNET_URL: services.intelnet.url, CONTRACT_VIEW_URL: view.url });
        Object.assign(mobileEnv, { ...env, ...mobileEnv });
      },
    });
    // a second instance of the PC app on the same Redis sessions
    second = await startBff('pc', { ...sys.idp.appEnv('pc'), SESSION_PREFIX: sys.pc.config.sessionPrefix, ...env });
  });
  afterAll(async () => {
    await second?.close();
    await sys?.close();
    await view?.close();
    await services?.close();
  });

  const sessionOf = async (app: RunningBff, cookie: string) => JSON.parse((await redis.get(app.config.sessionPrefix + sessionIdOf(cookie))) ?? 'null');
  const cookieOf = (agent: Agent, app: RunningBff) => {
    const jar = (agent as unknown as { jar: { getCookie(name: string, access: object): { value: string } | undefined } }).jar;
    const found = jar.getCookie(app.config.sessionCookieName, { domain: 'localhost', path: '/', secure: false, script: false });
    return `${app.config.sessionCookieName}=${found!.value}`;
  };

  it.each([['pc', 'id_token'], ['mobile', 'client_id']] as const)(
    'shows no token in any byte the browser receives during login → API → logout on %s (end-session hint: %s)',
    async (which, hint) => {
      const app = sys[which];
      const log: Recorded[] = [];
      const { bff: agent, callback, start } = await sys.loginAt(app, DEMO, { returnTo: '/contracts' });
      record(log, 'login', start);
      record(log, 'callback', callback);
      const cookie = cookieOf(agent, app);
      const { tokens } = await sessionOf(app, cookie);
      expect(tokens.accessToken).toMatch(/^ey/);
      expect(tokens.refreshToken).toBeTruthy();
      expect(tokens.idToken).toMatch(/^ey/);

      const user = record(log, 'user', await agent.get('/bff/user').expect(200));
      record(log, 'menu', await agent.get('/api/menu').expect(200));
      record(log, 'profile', await agent.get('/api/session/profile').expect(200));
      const created = record(log, 'register', await agent.post('/api/contracts').set('X-CSRF', '1').send({ contract: validContract({ contr: 'Token Scan' }) }).expect(201));
      record(log, 'view', await agent.get(`/api/contracts/${created.body.saPponContNo}`).expect(200));
      record(log, 'list', await agent.get('/api/contracts?mine=true').expect(200));
      record(log, 'saga', await agent.get(`/api/sagas/${created.body.globalNo}`).expect(200));
      const logout = await agent.get(user.body.logoutUrl).expect(302);
      record(log, 'user after logout', await agent.get('/bff/user').expect(401));

      const secrets = { access: tokens.accessToken, refresh: tokens.refreshToken, id: tokens.idToken };
      for (const { what, bytes } of log) {
        for (const [name, token] of Object.entries(secrets)) expect([what, name, bytes.includes(token)]).toEqual([what, name, false]);
        // nothing JWT-like either (header.payload.signature starting with a JSON object)
        expect([what, /eyJ[\w-]+\.eyJ[\w-]+\./.test(bytes)]).toEqual([what, false]);
        expect([what, /refresh_token|access_token|id_token/.test(bytes)]).toEqual([what, false]);
      }
      // The logout answer is a 302 (a navigation no script can read). With hint id_token it carries
      // the ID token to the SSO there and only there; with client_id it carries none at all.
      const location = new URL(logout.headers.location);
      expect(location.origin + location.pathname).toBe(sys.idp.endpoints.endSession);
      expect(logout.text).toBe('');
      expect(JSON.stringify(logout.headers).includes(tokens.accessToken) || JSON.stringify(logout.headers).includes(tokens.refreshToken)).toBe(false);
      if (hint === 'id_token') expect(location.searchParams.get('id_token_hint')).toBe(tokens.idToken);
      else expect(JSON.stringify(logout.headers)).not.toMatch(/eyJ[\w-]+\.eyJ/);
    },
  );

  it("enforces the roles through the BFF: kim cannot modify demo's contract, lee cannot register, park may modify", async () => {
    const login = (who: typeof DEMO) => sys.loginAt(sys.pc, who).then((l) => l.bff);
    const [demoUser, parkUser] = [await sys.idp.user('demo'), await sys.idp.user('park')];
    const [demo, kim, lee, park] = await Promise.all([login(DEMO), login(KIM), login(LEE), login(PARK)]);
    expect((await lee.get('/bff/user').expect(200)).body.roles).toEqual(['viewer']);
    const no = (await demo.post('/api/contracts').set('X-CSRF', '1').send({ contract: validContract({ contr: 'Demo Owns This', payr: 'Demo' }) }).expect(201)).body.saPponContNo;
    const put = (agent: Agent, payr: string) => agent.put(`/api/contracts/${no}`).set('X-CSRF', '1').send({ contract: { payr } });
    const refused = await put(kim, 'Kim was here');
    expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await lee.post('/api/contracts').set('X-CSRF', '1').send({ contract: validContract({ contr: 'Viewer' }) })).status).toBe(403);
    expect((await kim.get(`/api/contracts/${no}`).expect(200)).body.ppon).toMatchObject({ payr: 'Demo', mkerId: demoUser.sub, amdrId: null });
    await put(park, 'Supervisor').expect(200);
    expect((await lee.get(`/api/contracts/${no}`).expect(200)).body.ppon).toMatchObject({ payr: 'Supervisor', amdrId: parkUser.sub, amdrNm: parkUser.name });
    // The list reads the contract view, which follows the services' events: it shows demo's contract within 5 s.
    const listedForDemo = async () => (await demo.get('/api/contracts?mine=true&size=100').expect(200)).body.items.some((c: { ppon: { saPponContNo: number } }) => c.ppon.saPponContNo === no);
    let found = await listedForDemo();
    for (const started = Date.now(); !found && Date.now() - started < 5000; found = await listedForDemo()) await new Promise((r) => setTimeout(r, 100));
    expect(found).toBe(true);
    // …and never in kim's (asked once the view has it)
    const mine = (await kim.get('/api/contracts?mine=true&size=100').expect(200)).body;
    expect(mine.items.some((c: { ppon: { saPponContNo: number } }) => c.ppon.saPponContNo === no)).toBe(false);
  });

  it('refreshes exactly once for 50 parallel requests on two instances at the moment of expiry, and every request succeeds', async () => {
    const { bff: agent } = await sys.loginAt(sys.pc, DEMO);
    const cookie = cookieOf(agent, sys.pc);
    const before = (await sessionOf(sys.pc, cookie)).tokens;
    // wait until the token is due (a third of its 6 s lifetime before expiry)
    while (Date.now() < before.refreshAt + 50) await sleep(50);
    const refreshesBefore = (await sys.idp.counts()).refreshes;
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => request(i % 2 ? second.url : sys.pc.url).get('/api/contracts?size=1').set('Cookie', cookie)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    expect((await sys.idp.counts()).refreshes - refreshesBefore).toBe(1);
    const after = (await sessionOf(sys.pc, cookie)).tokens;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken); // rotated at the SSO
    expect(after.refreshAt).toBeGreaterThan(Date.now());
    // and later requests (either instance) use the new token without refreshing again
    await request(second.url).get('/api/contracts?size=1').set('Cookie', cookie).expect(200);
    expect((await sys.idp.counts()).refreshes - refreshesBefore).toBe(1);
  });

  it('ends the session with 401 SESSION_EXPIRED when the SSO refuses the refresh', async () => {
    const { bff: agent } = await sys.loginAt(sys.pc, DEMO);
    const cookie = cookieOf(agent, sys.pc);
    const key = sys.pc.config.sessionPrefix + sessionIdOf(cookie);
    const { tokens } = await sessionOf(sys.pc, cookie);
    // the SSO withdraws the grant (as an administrator or another logout would)
    const revoked = await fetch(sys.idp.endpoints.revocation, {
      method: 'POST',
      body: new URLSearchParams({ token: tokens.refreshToken, token_type_hint: 'refresh_token', client_id: sys.pc.config.ssoClientId, client_secret: sys.pc.config.ssoClientSecret }),
    });
    expect(revoked.status).toBe(200);
    while (Date.now() < tokens.refreshAt + 50) await sleep(50);
    const res = await request(second.url).get('/api/contracts?size=1').set('Cookie', cookie);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('SESSION_EXPIRED');
    expect(await redis.exists(key)).toBe(0);
    await request(sys.pc.url).get('/bff/user').set('Cookie', cookie).expect(401);
  });

  it('ends a session that holds no tokens (made before they were kept) with 401 SESSION_EXPIRED', async () => {
    const { bff: agent } = await sys.loginAt(sys.pc, DEMO);
    const cookie = cookieOf(agent, sys.pc);
    const key = sys.pc.config.sessionPrefix + sessionIdOf(cookie);
    const { tokens: _gone, ...old } = await sessionOf(sys.pc, cookie);
    await redis.set(key, JSON.stringify(old), 'KEEPTTL');
    const res = await agent.get('/api/menu');
    expect([res.status, res.body.code]).toEqual([401, 'SESSION_EXPIRED']);
    expect(await redis.exists(key)).toBe(0);
  });

  it('tells the screen when the session ends, and a ?slide=false read does not extend it', async () => {
    const { bff: agent } = await sys.loginAt(sys.pc, DEMO);
    const cookie = cookieOf(agent, sys.pc);
    const first = (await agent.get('/bff/user?slide=false').expect(200)).body.session;
    expect(first.expiresIn.idle).toBeGreaterThanOrEqual(19);
    expect(first.expiresIn.absolute).toBeGreaterThan(sys.pc.config.sessionAbsoluteSeconds - 5);
    const lastSeen = (await sessionOf(sys.pc, cookie)).lastSeenAt;
    await sleep(3_500); // past a tenth of the idle timeout: an ordinary read would move the idle clock
    const quiet = (await agent.get('/bff/user?slide=false').expect(200)).body.session;
    expect(quiet.expiresIn.idle).toBeLessThanOrEqual(17);
    expect(quiet.expiresAt).toBe(first.expiresAt);
    expect((await sessionOf(sys.pc, cookie)).lastSeenAt).toBe(lastSeen);
    const slid = (await agent.get('/bff/user').expect(200)).body.session;
    expect(slid.expiresIn.idle).toBeGreaterThanOrEqual(19);
    expect((await sessionOf(sys.pc, cookie)).lastSeenAt).toBeGreaterThan(lastSeen);
  });
});
