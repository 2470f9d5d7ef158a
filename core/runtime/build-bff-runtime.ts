import session, { type Store } from 'express-session';
import { RedisStore } from 'connect-redis';
import type { Redis } from 'ioredis';
import type { BffConfig } from '../../config/bff-config';
import { createLogger, type Logger } from '../../lib/http/logger';
import { createRedis, redisAnswers } from '../../lib/redis/create-redis';
import { createOidcProvider, type OidcProvider } from '../auth/oidc-metadata';
import { memorySessionIndex, redisSessionIndex, type SessionIndex } from '../session/session-index';
import { loadMenu, type MenuItem } from '../menu/load-menu';
import { loadLegacyRoutes } from '../proxy/load-legacy-routes';
import type { LegacyRoute } from '../proxy/legacy-route-schema';
import type { FileIndex } from '../files/file-index';
import type { FileStorage } from '../files/file-storage';
import { localDiskStorage } from '../files/local-disk-storage';
import { memoryFileIndex } from '../files/memory-file-index';
import { redisFileIndex } from '../files/redis-file-index';

/** Everything an app needs from the outside world, built once per process and passed down. */
export interface BffRuntime {
  config: BffConfig;
  logger: Logger;
  /** Absent when running on the in-process fallback store. */
  redis?: Redis;
  sessionStore: Store;
  sessionIndex: SessionIndex;
  oidc: OidcProvider;
  menu: readonly MenuItem[];
  /** The routing table to the legacy apps, validated. */
  legacyRoutes: readonly LegacyRoute[];
  /** Uploaded files: bytes in the storage, metadata in the index (Redis, so every instance sees it). */
  files: { storage: FileStorage; index: FileIndex };
  checkReady(): Promise<Record<string, 'up' | 'down' | 'memory'>>;
  close(): Promise<void>;
}

export async function buildBffRuntime(config: BffConfig, logger = createLogger({ name: `bff-${config.app}`, level: config.logLevel, sync: !config.production })): Promise<BffRuntime> {
  const menu = loadMenu(config.menuFile);
  const legacyRoutes = loadLegacyRoutes(config.legacyRoutesFile, { LEGACY_APP_URL: config.legacyAppUrl });
  const storage = localDiskStorage(config.filesDir);
  const oidc = createOidcProvider(config);
  const redis = createRedis(config.redisUrl, logger);
  const connected = await redis.connect().then(() => true, () => false);

  if (!connected) {
    redis.disconnect();
    if (config.redisRequired) {
      throw new Error(`Redis at ${config.redisUrl} does not answer, and sessions must be in Redis (REDIS_REQUIRED / NODE_ENV=production).`);
    }
    logger.warn(
      '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' +
        `!! Redis at ${config.redisUrl} does not answer: sessions are kept IN THIS PROCESS ONLY.\n` +
        '!! They are lost on restart and not shared with other instances. Dev use only.\n' +
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    );
    const sessionStore = new session.MemoryStore();
    return {
      config, logger, sessionStore, oidc, menu, legacyRoutes,
      sessionIndex: memorySessionIndex(sessionStore),
      files: { storage, index: memoryFileIndex() },
      checkReady: async () => ({ sessions: 'memory' }),
      close: async () => undefined,
    };
  }

  // disableTouch: an unchanged session costs one GET; the idle clock is kept by
  // enforceSessionLifetime, which rewrites the session (and so its TTL) only now and then.
  const sessionStore = new RedisStore({ client: redis, prefix: config.sessionPrefix, disableTouch: true });
  return {
    config, logger, redis, sessionStore, oidc, menu, legacyRoutes,
    sessionIndex: redisSessionIndex(redis, config.sessionPrefix),
    files: { storage, index: redisFileIndex(redis, config.filesPrefix) },
    checkReady: async () => ({ sessions: (await redisAnswers(redis)) ? 'up' : 'down' }),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
