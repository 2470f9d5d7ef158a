import { Writable } from 'node:stream';
import request from 'supertest';
import { reserveServer, sessionCookieOf, testPrefix } from '../support/bff';
import { startDevSso } from '../support/dev-sso';
import { DEMO, KIM, loginVia, type Agent } from '../support/login';
import { loadBffConfig } from '../../config/bff-config';
import { buildBffRuntime } from '../../core/runtime/build-bff-runtime';
import { createLogger } from '../../lib/http/logger';
import { createPcApp } from '../../bff-pc/app';
import { SSO_PROVIDERS } from '../support/sso-provider';
import { useBffSystem } from '../support/system';

const OPS = { username: 'ops', password: 'ops1234' };
const CHROME_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Listed { id: string; app: string; startedAt: string; lastSeenAt: string; browser: string; current: boolean }

describe.each(SSO_PROVIDERS)('sessions a user controls, across both apps (real %s, real Redis)', (_name, provider) => {
  // Both apps share one index, of this run only (the shared Redis also holds other runs' users).
  const index = { SESSION_INDEX_PREFIX: `${testPrefix}${provider.name === 'Keycloak' ? 'kc' : 'dev'}:sso:` };
  const sys = useBffSystem({ provider, pc: index, mobile: index });

  const loginAs = async (app: typeof sys.pc, who: typeof DEMO, userAgent: string): Promise<Agent> => {
    const agent = request.agent(app.url);
    (agent as unknown as { set(name: string, value: string): void }).set('User-Agent', userAgent);
    return (await sys.loginAt(app, who, { bffAgent: agent })).bff;
  };
  const list = async (agent: Agent) => (await agent.get('/bff/sessions').expect(200)).body.sessions as Listed[];
  const revocations = async () => (await sys.idp.counts()).revocations;
  const waitFor = async (what: () => Promise<boolean>, ms = 15_000) => {
    for (const end = Date.now() + ms; Date.now() < end; await sleep(200)) if (await what()) return true;
    return false;
  };

  it('lists the user\'s live sessions on PC and mobile, this one marked, with opaque ids no cookie can use, and ends one (X-CSRF)', async () => {
    const onPc = await loginAs(sys.pc, DEMO, CHROME_WINDOWS);
    const onPhone = await loginAs(sys.mobile, DEMO, SAFARI_IPHONE);
    const elsewhere = await loginAs(sys.pc, DEMO, FIREFOX_LINUX);
    const sessions = await list(onPc);
    expect(sessions.map((s) => `${s.app} ${s.browser} ${s.current}`).sort()).toEqual(['mobile Safari on iOS false', 'pc Chrome on Windows true', 'pc Firefox on Linux false']);
    for (const s of sessions) expect(Date.parse(s.startedAt)).toBeLessThanOrEqual(Date.parse(s.lastSeenAt));
    // The same list from the phone, marked there.
    expect((await list(onPhone)).filter((s) => s.current).map((s) => s.browser)).toEqual(['Safari on iOS']);
    // No token, no store key in the list; an id is no cookie.
    const body = JSON.stringify(sessions);
    const pcCookie = sessionCookieOf(onPc, sys.pc);
    const sessionId = decodeURIComponent(pcCookie.split('=')[1]).slice(2).split('.')[0];
    expect(body).not.toContain(sessionId);
    expect(body).not.toMatch(/eyJ|token|sess:/i);
    const firefox = sessions.find((s) => s.browser === 'Firefox on Linux')!;
    for (const forged of [firefox.id, `s:${firefox.id}`]) {
      await request(sys.pc.url).get('/bff/user').set('Cookie', `${sys.pc.config.sessionCookieName}=${encodeURIComponent(forged)}`).expect(401);
    }
    // Without X-CSRF nothing ends.
    expect((await onPc.delete(`/bff/sessions/${firefox.id}`).expect(401)).body.code).toBe('CSRF_REQUIRED');
    await elsewhere.get('/bff/user').expect(200);
    const before = await revocations();
    await onPc.delete(`/bff/sessions/${firefox.id}`).set('X-CSRF', '1').expect(204);
    await elsewhere.get('/bff/user').expect(401);
    expect((await list(onPc)).map((s) => s.browser).sort()).toEqual(['Chrome on Windows', 'Safari on iOS']);
    expect(await waitFor(async () => (await revocations()) >= before + 1)).toBe(true);
    // Gone is gone; another user's id is not found either.
    expect((await onPc.delete(`/bff/sessions/${firefox.id}`).set('X-CSRF', '1').expect(404)).body.code).toBe('NOT_FOUND');
    const kim = await loginAs(sys.pc, KIM, CHROME_WINDOWS);
    const phoneId = (await list(onPc)).find((s) => s.app === 'mobile')!.id;
    await kim.delete(`/bff/sessions/${phoneId}`).set('X-CSRF', '1').expect(404);
    await onPhone.get('/bff/user').expect(200);
    await onPc.delete('/bff/sessions/not an id').set('X-CSRF', '1').expect(400);
  });

  it('signs out everywhere else: every other session of the user ends, in both apps, and their refresh tokens are revoked at the SSO', async () => {
    const here = await loginAs(sys.mobile, KIM, SAFARI_IPHONE);
    const others = [await loginAs(sys.pc, KIM, CHROME_WINDOWS), await loginAs(sys.mobile, KIM, FIREFOX_LINUX)];
    const mine = (await list(here)).length;
    const before = await revocations();
    expect((await here.delete('/bff/sessions').expect(401)).body.code).toBe('CSRF_REQUIRED');
    const { ended } = (await here.delete('/bff/sessions').set('X-CSRF', '1').expect(200)).body;
    expect(ended).toBe(mine - 1);
    for (const agent of others) await agent.get('/bff/user').expect(401);
    await here.get('/bff/user').expect(200);
    expect((await list(here)).map((s) => s.current)).toEqual([true]);
    // The PC session's token is revoked by the PC app (its client owns it), from the queue the mobile app left it in.
    expect(await waitFor(async () => (await revocations()) >= before + ended)).toBe(true);
  });

  it('lets an operator end every session of a user, and nobody else', async () => {
    const victim = [await loginAs(sys.pc, DEMO, CHROME_WINDOWS), await loginAs(sys.mobile, DEMO, SAFARI_IPHONE)];
    const sub = (await victim[0].get('/bff/user').expect(200)).body.sub as string;
    const kim = await loginAs(sys.pc, KIM, CHROME_WINDOWS);
    expect((await kim.delete(`/bff/users/${encodeURIComponent(sub)}/sessions`).set('X-CSRF', '1').expect(403)).body.code).toBe('FORBIDDEN');
    for (const agent of victim) await agent.get('/bff/user').expect(200);
    const ops = await loginAs(sys.mobile, OPS, CHROME_WINDOWS);
    await ops.delete(`/bff/users/${encodeURIComponent(sub)}/sessions`).expect(401); // X-CSRF
    const { ended } = (await ops.delete(`/bff/users/${encodeURIComponent(sub)}/sessions`).set('X-CSRF', '1').expect(200)).body;
    expect(ended).toBeGreaterThanOrEqual(2);
    for (const agent of victim) await agent.get('/bff/user').expect(401);
    await ops.get('/bff/user').expect(200);
  });

  it('shows diagnostics in development: claims, token expiry, SSO, Redis mode, never a token', async () => {
    const agent = await loginAs(sys.pc, DEMO, CHROME_WINDOWS);
    await request(sys.pc.url).get('/bff/diagnostics').expect(401);
    const res = await agent.get('/bff/diagnostics').expect(200);
    expect(res.body).toMatchObject({ app: 'pc', sso: { issuer: sys.idp.issuer }, redis: { mode: 'single' }, tokens: { accessToken: 'held', idToken: 'held' } });
    expect(Date.parse(res.body.tokens.accessTokenExpiresAt)).toBeGreaterThan(Date.now());
    expect(res.body.user.claims).toBeDefined();
    expect(res.text).not.toMatch(/eyJ/);
  });
});

describe('sessions on the in-process fallback store (no Redis, development)', () => {
  const sys = useBffSystem({ pc: { REDIS_URL: 'redis://127.0.0.1:1', REDIS_REQUIRED: 'false' } });

  it('lists and ends the sessions of this one process', async () => {
    const here = await sys.login(sys.pc, DEMO);
    const other = await sys.login(sys.pc, DEMO);
    const sessions = (await here.get('/bff/sessions').expect(200)).body.sessions as Listed[];
    expect(sessions.map((s) => s.current).sort()).toEqual([false, true]);
    expect((await here.delete('/bff/sessions').set('X-CSRF', '1').expect(200)).body.ended).toBe(1);
    await other.get('/bff/user').expect(401);
    expect((await here.get('/bff/diagnostics').expect(200)).body.redis.mode).toBe('memory');
  });
});

describe('an operator ending a user\'s sessions is audited in the log', () => {
  it('writes who ended whose sessions, and how many', async () => {
    const reserved = await reserveServer();
    const sso = await startDevSso([{ app: 'pc', url: reserved.url }]);
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) });
    const config = loadBffConfig('pc', { NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: reserved.url.split(':').pop()!, PUBLIC_URL: reserved.url, SSO_ISSUER: sso.issuer, SESSION_PREFIX: `${testPrefix}audit:sess:`, SESSION_INDEX_PREFIX: `${testPrefix}audit:sso:` });
    const runtime = await buildBffRuntime(config, createLogger({ name: 'audit', level: 'info' }, sink));
    reserved.server.on('request', createPcApp(runtime));
    try {
      const victim = (await loginVia(reserved.url, request.agent(sso.issuer), sso.issuer, KIM)).bff;
      const sub = (await victim.get('/bff/user').expect(200)).body.sub as string;
      const ops = (await loginVia(reserved.url, request.agent(sso.issuer), sso.issuer, OPS)).bff;
      await ops.delete(`/bff/users/${encodeURIComponent(sub)}/sessions`).set('X-CSRF', '1').expect(200);
      const audit = lines.find((l) => l.audit === 'operator-ended-sessions');
      expect(audit).toMatchObject({ operator: 'ops', operatorName: 'Ops Desk', sub, ended: 1, msg: 'operator ended all sessions of a user' });
      expect(JSON.stringify(lines)).not.toMatch(/eyJ/);
    } finally {
      reserved.server.closeAllConnections();
      await new Promise<void>((resolve) => reserved.server.close(() => resolve()));
      await runtime.close();
      await sso.stop();
    }
  });
});
