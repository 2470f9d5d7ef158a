import { loadServiceConfig, serviceConfigTable } from '../../config/service-config';
import { loadContractViewConfig } from '../../config/contract-view-config';
import { ConfigError } from '../../config/define-settings';

describe('service configuration', () => {
  test('defaults: SQLite file and MariaDB database per service, participants on 8082/8083, drills on', () => {
    const config = loadServiceConfig('ppon', {});
    expect(config).toMatchObject({
      name: 'ppon', port: 8081, dbKind: 'sqlite', sqliteFile: './data/ppon.sqlite', mariadbUrl: 'mysql://root@127.0.0.1:3306/sa_ppon',
      inetaplcaUrl: 'http://localhost:8082', intelnetUrl: 'http://localhost:8083', drillsAllowed: true, redisUrl: undefined,
    });
    expect(loadServiceConfig('intelnet', {}).port).toBe(8083);
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('drills are off by default in production and can be turned on explicitly', () => {
    expect(loadServiceConfig('intelnet', { NODE_ENV: 'production' }).drillsAllowed).toBe(false);
    expect(loadServiceConfig('intelnet', { NODE_ENV: 'production', INTELNET_DRILLS_ALLOWED: 'true' }).drillsAllowed).toBe(true);
  });

  test('each service reads only its own prefix', () => {
    expect(loadServiceConfig('inetaplca', { PPON_PORT: '9000', INETAPLCA_DB_KIND: 'mariadb' })).toMatchObject({ port: 8082, dbKind: 'mariadb' });
  });

  test('one error names every bad key', () => {
    const load = () =>
      loadServiceConfig('ppon', { PPON_PORT: 'eighty', PPON_DB_KIND: 'oracle', PPON_MARIADB_URL: 'postgres://x/y', PPON_PARTICIPANT_TIMEOUT_MS: '1' });
    expect(load).toThrow(ConfigError);
    try {
      load();
    } catch (err) {
      const problems = (err as ConfigError).problems.join('\n');
      for (const key of ['PPON_PORT', 'PPON_DB_KIND', 'PPON_MARIADB_URL', 'PPON_PARTICIPANT_TIMEOUT_MS']) expect(problems).toContain(key);
    }
  });

  test('the README table lists every key with its default', () => {
    const table = serviceConfigTable();
    expect(table).toContain('| `<SERVICE>_DB_KIND` | `sqlite` |');
    expect(table).toContain('`<SERVICE>_COMPENSATION_RETRIES`');
  });

  test('the contract view (docs/services.md#the-contract-view): its own store and port, the services\' bus, lag reported but not unready by default', () => {
    const config = loadContractViewConfig({});
    expect(config).toMatchObject({
      name: 'contract-view', port: 8084, dbKind: 'sqlite', sqliteFile: './data/contract-view.sqlite', mariadbUrl: 'mysql://root@127.0.0.1:3306/contract_view',
      eventBus: 'memory', eventTopicPrefix: 'sa-app-samp-ppon-cont-', consumer: true, maxLagSeconds: 0, ssoClientId: 'contract-operator', pponUrl: 'http://localhost:8081',
    });
    expect(loadContractViewConfig({ CONTRACT_VIEW_REDIS_URL: 'redis://127.0.0.1:6379' }).eventBus).toBe('redis');
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => loadContractViewConfig({ NODE_ENV: 'production' })).toThrow(/CONTRACT_VIEW_SSO_CLIENT_SECRET/);
    try {
      loadContractViewConfig({ CONTRACT_VIEW_PORT: 'x', CONTRACT_VIEW_MAX_LAG_SECONDS: '-1', CONTRACT_VIEW_CONSUMER: 'maybe' });
      throw new Error('accepted');
    } catch (err) {
      const problems = (err as ConfigError).problems.join('\n');
      for (const key of ['CONTRACT_VIEW_PORT', 'CONTRACT_VIEW_MAX_LAG_SECONDS', 'CONTRACT_VIEW_CONSUMER']) expect(problems).toContain(key);
    }
  });
});
