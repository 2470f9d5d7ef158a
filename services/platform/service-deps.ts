import type { ServiceConfig } from '../../config/service-config';
import { createLogger, type Logger } from '../../lib/http/logger';
import { createContractCache, type ContractCache } from './cache/create-contract-cache';
import { createDatabase, type ServiceDatabase } from './db/create-database';
import { runMigrations, type Migrations } from './db/run-migrations';
import { createContractStore, type ContractStore } from './contracts/contract-store';
import type { ContractTable } from './contracts/contract-table';
import { openServiceEvents, type ServiceEvents } from './events/service-events';
import { contractChangeFeed } from './events/contract-change-feed';
import { createTokenVerifier, type TokenVerifier } from './auth/token-verifier';
import { createServiceTokenSource, type ServiceTokenSource } from './auth/service-token-source';

/** What every contract service's app factory receives. */
export interface ServiceDeps {
  config: ServiceConfig;
  logger: Logger;
  database: ServiceDatabase;
  contracts: ContractStore;
  events: ServiceEvents;
  /** Checks the bearer token of every call (docs/identity.md#who-may-call-the-contract-services). */
  verifier: TokenVerifier;
  /** This service's own client-credentials token, for its calls to other services. */
  serviceToken: ServiceTokenSource;
  close(): Promise<void>;
}

/** Opens the database (running migrations), the cache and the event bus (with the outbox relay) of one service. */
export async function openServiceDeps(config: ServiceConfig, table: ContractTable, migrations: Migrations, logger?: Logger): Promise<ServiceDeps> {
  const log = logger ?? createLogger({ name: config.name, level: config.logLevel });
  const database = await createDatabase({ kind: config.dbKind, sqliteFile: config.sqliteFile, sqliteSetting: `${config.name.toUpperCase()}_SQLITE_FILE`, mariadbUrl: config.mariadbUrl, mariadbSetting: `${config.name.toUpperCase()}_MARIADB_URL` });
  try {
    await runMigrations(database.db, migrations, database.kind === 'sqlite' ? 5 : 0);
  } catch (err) {
    await database.close();
    throw err;
  }
  const cache: ContractCache = createContractCache({
    redisUrl: config.redisUrl,
    keyPrefix: config.cacheKeyPrefix,
    keyName: table.cacheKeyName,
    ttlSeconds: config.cacheTtlSeconds,
    logger: log,
  });
  const events = openServiceEvents(config, database, log);
  const verifier = createTokenVerifier({ issuer: config.ssoIssuer, audience: config.ssoAudience, algorithms: config.ssoAlgorithms, timeoutMs: config.ssoTimeoutMs });
  const serviceToken = createServiceTokenSource({ clientId: config.ssoClientId, clientSecret: config.ssoClientSecret, timeoutMs: config.ssoTimeoutMs, verifier });
  return {
    verifier,
    serviceToken,
    config,
    logger: log,
    database,
    contracts: createContractStore(database, table, cache, contractChangeFeed(config, table, events)),
    events,
    close: async () => {
      await events.close();
      await cache.close();
      await database.close();
    },
  };
}
