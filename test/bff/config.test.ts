import path from 'node:path';
import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { loadBffConfig } from '../../config/bff-config';
import { ConfigError } from '../../config/define-settings';
import { buildBffRuntime } from '../../core/runtime/build-bff-runtime';
import { createLogger } from '../../lib/http/logger';
import { reserveServer, startBff } from '../support/bff';
import { startDevSso } from '../support/dev-sso';
import { DEMO, loginVia } from '../support/login';

const DEAD_REDIS = 'redis://127.0.0.1:1';
const PROD_OK = { NODE_ENV: 'production', SSO_ISSUER: 'https://sso.example.test/realms/contracts', SSO_CLIENT_SECRET: 'a-real-secret-from-the-vault', SESSION_SECRET: 'another-real-secret-value' };

describe('configuration', () => {
  it('gives each app its own defaults (mobile idles longer than PC)', () => {
    const pc = loadBffConfig('pc', {});
    const mobile = loadBffConfig('mobile', {});
    expect([pc.port, mobile.port]).toEqual([3000, 3001]);
    expect([pc.ssoClientId, mobile.ssoClientId]).toEqual(['bff-pc', 'bff-mobile']);
    expect(pc.sessionCookieName).not.toBe(mobile.sessionCookieName);
    expect(pc.sessionPrefix).not.toBe(mobile.sessionPrefix);
    expect(mobile.sessionIdleSeconds).toBeGreaterThan(pc.sessionIdleSeconds);
    expect(pc.ssoRedirectUrl).toBe('http://localhost:3000/bff/callback');
    expect(Object.isFrozen(pc)).toBe(true);
  });

  it('names every bad key in one error', () => {
    let error: unknown;
    try {
      loadBffConfig('pc', { PORT: 'eighty', SSO_ISSUER: 'not a url', SESSION_IDLE_SECONDS: '-5', REDIS_URL: 'http://x', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const key of ['PORT', 'SSO_ISSUER', 'SESSION_IDLE_SECONDS', 'REDIS_URL', 'LOG_LEVEL']) expect(message).toContain(`${key}:`);
    expect((error as ConfigError).problems).toHaveLength(5);
  });

  it('refuses the dev secrets and the memory session store in production', () => {
    expect(() => loadBffConfig('pc', { NODE_ENV: 'production' })).toThrow(/SSO_CLIENT_SECRET.*\n.*SESSION_SECRET/s);
    expect(() => loadBffConfig('pc', { ...PROD_OK, REDIS_REQUIRED: 'false' })).toThrow(/REDIS_REQUIRED/);
    // openid-client talks https only in production: refused at start with the setting named, not a 500 at the first login
    expect(() => loadBffConfig('pc', { ...PROD_OK, SSO_ISSUER: 'http://sso.example.test/realms/contracts' })).toThrow(/^.*SSO_ISSUER: .*https/m);
    const prod = loadBffConfig('pc', PROD_OK);
    expect(prod.redisRequired).toBe(true);
    expect(prod.production).toBe(true);
  });

  it('builds no production runtime while Redis does not answer, with a clear message (routes/run-bff.ts waits and retries)', async () => {
    const config = loadBffConfig('pc', { ...PROD_OK, REDIS_URL: DEAD_REDIS, LOG_LEVEL: 'silent' });
    await expect(buildBffRuntime(config, createLogger({ name: 't', level: 'silent' }))).rejects.toThrow(/Redis at redis:\/\/127\.0\.0\.1:1 does not answer/);
  });

  it('exits 1 naming the bad key when `npm run start:pc` gets a bad setting', () => {
    const root = path.join(__dirname, '..', '..');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bff-pc/main.ts'], { cwd: root, env: { ...process.env, PORT: 'eighty', SESSION_IDLE_SECONDS: 'soon' }, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/bff-pc cannot start/);
    expect(run.stderr).toMatch(/PORT:/);
    expect(run.stderr).toMatch(/SESSION_IDLE_SECONDS:/);
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('falls back to in-process sessions, loudly, outside production when Redis does not answer', async () => {
    const reserved = await reserveServer();
    const sso = await startDevSso([{ app: 'mobile', url: reserved.url }]);
    const bff = await startBff('mobile', { SSO_ISSUER: sso.issuer, REDIS_URL: DEAD_REDIS }, reserved);
    try {
      expect(bff.runtime.redis).toBeUndefined();
      await request(bff.url).get('/readyz').expect(200, { ready: true, checks: { sessions: 'memory' } });
      const { bff: agent } = await loginVia(bff.url, request.agent(sso.issuer), sso.issuer, DEMO);
      expect((await agent.get('/bff/user').expect(200)).body.sub).toBe('demo');
      await agent.patch('/api/session/profile').set('X-CSRF', '1').send({ language: 'en' }).expect(200);
      expect((await agent.get('/api/session/profile')).body.language).toBe('en');
    } finally {
      await bff.close();
      await sso.stop();
    }
  });
});
