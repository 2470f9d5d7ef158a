import { ConfigError, bool, int, parseSettings, settingsTable, url, type Settings, type SettingValues } from './define-settings';
import { serviceDefaults, serviceSettings, type EventBusKind } from './service-config';

/**
 * The contract view's configuration (the read side, `services/contract-view`): the services' own
 * keys where they mean the same (`CONTRACT_VIEW_…`), plus the consumer's and the rebuild's.
 */
/** The dev SSO's secret of `contract-operator`, the view's client for a rebuild; refused in production. */
export const DEV_OPERATOR_SECRET = 'dev-only-contract-operator-secret';

function contractViewSettings() {
  const s = serviceSettings('CONTRACT_VIEW');
  const key = (name: string) => `CONTRACT_VIEW_${name}`;
  return {
    port: { ...s.port, description: 'HTTP port of the contract view (0 picks a free one)', defaultText: undefined },
    dbKind: { ...s.dbKind, description: "The view's own store: embedded SQLite or MariaDB (database `contract_view`)" },
    sqliteFile: { ...s.sqliteFile, defaultText: undefined },
    mariadbUrl: { ...s.mariadbUrl, defaultText: undefined },
    redisUrl: { ...s.redisUrl, description: 'Redis of the Redis Streams bus (the same as the services\')' },
    eventBus: { ...s.eventBus, description: 'The bus the three services publish their contract changes on (the sagas\' bus)' },
    eventTopicPrefix: { ...s.eventTopicPrefix, description: 'Topic prefix of the services (their EVENT_TOPIC_PREFIX)' },
    kafkaBrokers: s.kafkaBrokers,
    kafkaPartitions: s.kafkaPartitions,
    eventMaxDeliveries: s.eventMaxDeliveries,
    eventRedeliverMs: s.eventRedeliverMs,
    consumer: { env: key('CONSUMER'), schema: bool(), description: 'Consume contract changes in this process (off: a query-only instance beside one that consumes)' },
    maxLagSeconds: {
      env: key('MAX_LAG_SECONDS'),
      schema: int(0, 86_400),
      description: '/readyz answers 503 VIEW_BEHIND when the view is more than this many seconds behind (0: lag is reported, never not-ready)',
    },
    pponUrl: { env: key('PPON_URL'), schema: url(), description: 'MS1 base URL (the rebuild pages it)' },
    inetaplcaUrl: { ...s.inetaplcaUrl, description: 'MS2 base URL (the rebuild pages it)' },
    intelnetUrl: { ...s.intelnetUrl, description: 'MS3 base URL (the rebuild pages it)' },
    ssoIssuer: s.ssoIssuer,
    ssoAudience: s.ssoAudience,
    ssoAlgorithms: s.ssoAlgorithms,
    ssoClientId: { ...s.ssoClientId, description: "The view's client at the SSO (client credentials) for the rebuild's calls to the three services" },
    ssoClientSecret: s.ssoClientSecret,
    ssoTimeoutMs: s.ssoTimeoutMs,
    logLevel: s.logLevel,
    shutdownDelayMs: s.shutdownDelayMs,
    shutdownGraceMs: s.shutdownGraceMs,
    adminPort: s.adminPort,
  } satisfies Settings;
}

type ContractViewSettings = ReturnType<typeof contractViewSettings>;
export type ContractViewConfig = Omit<SettingValues<ContractViewSettings>, 'eventBus'> & { readonly name: 'contract-view'; readonly eventBus: EventBusKind };

function contractViewDefaults(env: Record<string, string | undefined>) {
  const service = serviceDefaults('ppon', env);
  return {
    ...service,
    port: 8084,
    sqliteFile: './data/contract-view.sqlite',
    mariadbUrl: 'mysql://root@127.0.0.1:3306/contract_view',
    consumer: true,
    maxLagSeconds: 0,
    pponUrl: 'http://localhost:8081',
    ssoClientId: 'contract-operator',
    ssoClientSecret: DEV_OPERATOR_SECRET,
  } satisfies Partial<Record<keyof ContractViewSettings, unknown>>;
}

/** Parses the contract view's configuration (`CONTRACT_VIEW_…`), one error naming every bad key; frozen. */
export function loadContractViewConfig(env: Record<string, string | undefined> = process.env): ContractViewConfig {
  const values = parseSettings(contractViewSettings(), env, contractViewDefaults(env));
  const eventBus: EventBusKind = values.eventBus ?? (values.redisUrl ? 'redis' : 'memory');
  if (env.NODE_ENV === 'production' && values.ssoClientSecret === DEV_OPERATOR_SECRET) {
    throw new ConfigError(['CONTRACT_VIEW_SSO_CLIENT_SECRET: the dev secret is not allowed in production']);
  }
  return Object.freeze({ ...values, eventBus, name: 'contract-view' as const });
}

/** The README's table of the contract view's settings. */
export function contractViewConfigTable(): string {
  return settingsTable(contractViewSettings(), contractViewDefaults({}));
}
