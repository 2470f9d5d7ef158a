import { loadBffConfig } from '../../config/bff-config';
import { ConfigError } from '../../config/define-settings';
import { buildBffRuntime } from '../../core/runtime/build-bff-runtime';
import { createLogger } from '../../lib/http/logger';
import { describeRedisTarget } from '../../lib/redis/create-redis';

const PROD_OK = { NODE_ENV: 'production', SSO_ISSUER: 'https://sso.example.test/realms/contracts', SSO_CLIENT_SECRET: 'a-real-secret-from-the-vault', SESSION_SECRET: 'another-real-secret-value', LOG_LEVEL: 'silent' };
const problemsOf = (env: Record<string, string>) => {
  try {
    loadBffConfig('pc', env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('Redis topology by configuration (REDIS_MODE)', () => {
  it('reads one URL by default, a Cluster seed list, or Sentinels and a master name', () => {
    expect(loadBffConfig('pc', {}).redis).toEqual({ mode: 'single', url: 'redis://127.0.0.1:6379' });
    expect(loadBffConfig('pc', { REDIS_MODE: 'cluster', REDIS_CLUSTER_NODES: '10.0.0.1:7000,redis-b.internal:7001', REDIS_PASSWORD: 's3cret', REDIS_TLS: 'true' }).redis).toEqual({
      mode: 'cluster',
      nodes: [{ host: '10.0.0.1', port: 7000 }, { host: 'redis-b.internal', port: 7001 }],
      password: 's3cret',
      username: undefined,
      tls: true,
    });
    const sentinel = loadBffConfig('pc', { REDIS_MODE: 'sentinel', REDIS_SENTINELS: 's1:26379,s2:26379,s3:26379', REDIS_SENTINEL_MASTER: 'sessions', REDIS_SENTINEL_PASSWORD: 'x' }).redis;
    expect(sentinel).toMatchObject({ mode: 'sentinel', masterName: 'sessions', sentinelPassword: 'x', tls: false });
    expect(describeRedisTarget(sentinel)).toBe('Redis master "sessions" via Sentinel s1:26379,s2:26379,s3:26379');
    expect(describeRedisTarget({ mode: 'single', url: 'redis://:pw@h:6379' })).toBe('Redis at redis://:***@h:6379');
  });

  it('names the setting a mode needs, and a malformed node list', () => {
    expect(problemsOf({ REDIS_MODE: 'cluster' })).toEqual(['REDIS_CLUSTER_NODES: required when REDIS_MODE=cluster']);
    expect(problemsOf({ REDIS_MODE: 'sentinel' })).toEqual(['REDIS_SENTINELS: required when REDIS_MODE=sentinel']);
    expect(problemsOf({ REDIS_MODE: 'cluster', REDIS_CLUSTER_NODES: 'redis://a:1' })).toEqual(['REDIS_CLUSTER_NODES: comma-separated host:port list']);
    expect(problemsOf({ REDIS_MODE: 'sharded' })[0]).toMatch(/^REDIS_MODE:/);
    expect(problemsOf({ REDIS_COMMAND_TIMEOUT_MS: '5' })[0]).toMatch(/^REDIS_COMMAND_TIMEOUT_MS:/);
  });

  it.each([
    ['cluster', { REDIS_MODE: 'cluster', REDIS_CLUSTER_NODES: '127.0.0.1:1,127.0.0.1:2' }, /Redis Cluster 127\.0\.0\.1:1,127\.0\.0\.1:2 does not answer/],
    ['sentinel', { REDIS_MODE: 'sentinel', REDIS_SENTINELS: '127.0.0.1:1', REDIS_SENTINEL_MASTER: 'sessions' }, /Redis master "sessions" via Sentinel 127\.0\.0\.1:1 does not answer/],
  ])('builds no production runtime, quickly and clearly, while the %s does not answer (routes/run-bff.ts waits and retries)', async (_mode, env, message) => {
    const started = Date.now();
    await expect(buildBffRuntime(loadBffConfig('pc', { ...PROD_OK, ...env }), createLogger({ name: 't', level: 'silent' }))).rejects.toThrow(message);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
