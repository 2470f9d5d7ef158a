import { Counter } from 'prom-client';
import type { ContractViewConfig } from '../../config/contract-view-config';
import type { EventBus } from '../../lib/events/event-bus';
import { createLogger, type Logger } from '../../lib/http/logger';
import { createTokenVerifier, type TokenVerifier } from '../platform/auth/token-verifier';
import { createServiceTokenSource, type ServiceTokenSource } from '../platform/auth/service-token-source';
import { createDatabase, type ServiceDatabase } from '../platform/db/create-database';
import { runMigrations } from '../platform/db/run-migrations';
import { createEventBus } from '../platform/events/create-event-bus';
import { CONTRACT_CHANGED_TOPIC } from '../platform/events/contract-change-events';
import { createLagProbe, type LagProbe } from './view-lag';
import { contractViewMigrations } from './view-migrations';
import { createContractViewStore, type ContractViewStore } from './view-store';

/** The view's consumer group: one for every instance, so each change is applied once (and idempotently if again). */
export const VIEW_GROUP = 'samp.contract-view';

export interface ContractViewDeps {
  config: ContractViewConfig;
  logger: Logger;
  database: ServiceDatabase;
  store: ContractViewStore;
  bus: EventBus;
  topic: string;
  lag: LagProbe;
  verifier: TokenVerifier;
  /** The view's own client-credentials token (the rebuild's calls to the three services). */
  serviceToken: ServiceTokenSource;
  /** Changes applied or found stale, by outcome (registered on the app's /metrics). */
  applied: Counter<'outcome'>;
  close(): Promise<void>;
}

export async function openContractViewDeps(config: ContractViewConfig, logger?: Logger): Promise<ContractViewDeps> {
  const log = logger ?? createLogger({ name: config.name, level: config.logLevel });
  const database = await createDatabase({ kind: config.dbKind, sqliteFile: config.sqliteFile, sqliteSetting: 'CONTRACT_VIEW_SQLITE_FILE', mariadbUrl: config.mariadbUrl, mariadbSetting: 'CONTRACT_VIEW_MARIADB_URL' });
  try {
    await runMigrations(database.db, contractViewMigrations, database.kind === 'sqlite' ? 5 : 0);
  } catch (err) {
    await database.close();
    throw err;
  }
  const topic = `${config.eventTopicPrefix}${CONTRACT_CHANGED_TOPIC}`;
  const bus = createEventBus(config, log);
  const lag = createLagProbe(config, topic, VIEW_GROUP, log);
  const verifier = createTokenVerifier({ issuer: config.ssoIssuer, audience: config.ssoAudience, algorithms: config.ssoAlgorithms, timeoutMs: config.ssoTimeoutMs });
  return {
    config,
    logger: log,
    database,
    store: createContractViewStore(database),
    bus,
    topic,
    lag,
    verifier,
    serviceToken: createServiceTokenSource({ clientId: config.ssoClientId, clientSecret: config.ssoClientSecret, timeoutMs: config.ssoTimeoutMs, verifier }),
    applied: new Counter({ name: 'contract_view_changes_total', help: 'Contract changes the view consumed, by outcome (applied, stale: a duplicate or an older version)', labelNames: ['outcome'], registers: [] }),
    close: async () => {
      await bus.close();
      await lag.close();
      await database.close();
    },
  };
}
