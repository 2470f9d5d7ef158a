import session, { type Store } from 'express-session';
import { RedisStore } from 'connect-redis';
import type { BffConfig } from '../../config/bff-config';
import { createLogger, type Logger } from '../../lib/http/logger';
import { connectWithin, createRedis, describeRedisTarget, redisAnswers, type RedisClient } from '../../lib/redis/create-redis';
import { createOidcProvider, type OidcProvider } from '../auth/oidc-metadata';
import { memorySessionIndex, redisSessionIndex, type SessionIndex } from '../session/session-index';
import { loadMenu, type MenuItem } from '../menu/load-menu';
import { loadLegacyRoutes } from '../proxy/load-legacy-routes';
import type { LegacyRoute } from '../proxy/legacy-route-schema';
import type { FileIndex } from '../files/file-index';
import type { FileStorage } from '../files/file-storage';
import { localDiskStorage } from '../files/local-disk-storage';
import { assertWritableDir } from '../../lib/fs/assert-writable-dir';
import { memoryFileIndex } from '../files/memory-file-index';
import { redisFileIndex } from '../files/redis-file-index';
import { WaitingFor } from '../../lib/http/retry-until-ready';
import { createBffMetrics, type BffMetrics } from '../metrics/bff-metrics';
import { trackLiveSessions } from '../session/track-live-sessions';
import { redisRevocationQueue, type RevocationQueue } from '../session/revocation-queue';
import { revokeRefreshToken } from '../auth/revoke-refresh-token';
import { listenForChanges, type ChangeListener } from '../notices/listen-for-changes';
import { createSagaProgressHub, type SagaProgressHub } from '../saga/saga-progress-hub';

/** Everything an app needs from the outside world, built once per process and passed down. */
export interface BffRuntime {
  config: BffConfig;
  logger: Logger;
  /** Absent when running on the in-process fallback store. */
  redis?: RedisClient;
  sessionStore: Store;
  sessionIndex: SessionIndex;
  /** Refresh tokens of this app's sessions ended by the other app, to revoke with this app's client (Redis only). */
  revocations?: RevocationQueue;
  oidc: OidcProvider;
  menu: readonly MenuItem[];
  /** The routing table to the legacy apps, validated. */
  legacyRoutes: readonly LegacyRoute[];
  /** Uploaded files: bytes in the storage, metadata in the index (Redis, so every instance sees it). */
  files: { storage: FileStorage; index: FileIndex };
  /** Operator metrics beside the HTTP ones: upstream latency, token refreshes, live sessions. */
  metrics: BffMetrics;
  /** The services' change notices: one subscription per process (docs/scaling.md). */
  changes: ChangeListener;
  /** One reader of MS1 per watched saga, shared by this process's SSE streams. */
  sagaProgress: SagaProgressHub;
  checkReady(): Promise<Record<string, 'up' | 'down' | 'memory'>>;
  close(): Promise<void>;
}

export async function buildBffRuntime(config: BffConfig, logger = createLogger({ name: `bff-${config.app}`, level: config.logLevel, sync: !config.production })): Promise<BffRuntime> {
  const menu = loadMenu(config.menuFile);
  const legacyRoutes = loadLegacyRoutes(config.legacyRoutesFile, { LEGACY_APP_URL: config.legacyAppUrl });
  assertWritableDir('FILES_DIR', config.filesDir);
  const storage = localDiskStorage(config.filesDir);
  const oidc = createOidcProvider(config);
  const redis = createRedis(config.redis, logger, { commandTimeoutMs: config.redisCommandTimeoutMs });
  const where = describeRedisTarget(config.redis);
  const connected = await connectWithin(redis);

  if (!connected) {
    redis.disconnect();
    if (config.redisRequired) {
      // Not a reason to exit: the caller waits for it (routes/run-bff.ts), readiness naming it.
      throw new WaitingFor('redis', new Error(`${where} does not answer, and sessions must be in Redis (REDIS_REQUIRED / NODE_ENV=production)`));
    }
    logger.warn(
      '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' +
        `!! ${where} does not answer: sessions are kept IN THIS PROCESS ONLY.\n` +
        '!! They are lost on restart and not shared with other instances. Dev use only.\n' +
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    );
    const sessionStore = new session.MemoryStore();
    const changes = listenForChanges(undefined, config.changeNoticeChannel, logger);
    return {
      config, logger, sessionStore, oidc, menu, legacyRoutes, changes,
      sagaProgress: createSagaProgressHub(changes, config.sagaRefreshMs),
      metrics: createBffMetrics(config.app, async () => Object.keys(await new Promise<Record<string, unknown>>((resolve) => sessionStore.all((_err, all) => resolve((all as Record<string, unknown> | null) ?? {})))).length),
      sessionIndex: memorySessionIndex(sessionStore),
      files: { storage, index: memoryFileIndex() },
      checkReady: async () => ({ sessions: 'memory' }),
      close: () => changes.close(),
    };
  }

  // disableTouch: an unchanged session costs one GET; the idle clock is kept by
  // enforceSessionLifetime, which rewrites the session (and so its TTL) only now and then.
  const live = trackLiveSessions(new RedisStore({ client: redis, prefix: config.sessionPrefix, disableTouch: true }), redis, config.sessionPrefix, config.sessionIdleSeconds * 1000);
  const sessionStore = live.store;
  const revocations = redisRevocationQueue(redis, config.sessionIndexPrefix);
  // The other app's session list may end our sessions: their refresh tokens wait for our client.
  const drain = setInterval(() => {
    revocations.drain(config.app, (token) => revokeRefreshToken(oidc, token, logger)).catch((err: unknown) => logger.warn({ err }, 'revocation queue not drained'));
  }, 2_000);
  drain.unref();
  const changes = listenForChanges(redis, config.changeNoticeChannel, logger);
  return {
    config, logger, redis, sessionStore, oidc, menu, legacyRoutes, revocations, changes,
    sagaProgress: createSagaProgressHub(changes, config.sagaRefreshMs),
    metrics: createBffMetrics(config.app, () => live.count()),
    sessionIndex: redisSessionIndex(redis, config.sessionPrefix, config.sessionIndexPrefix),
    files: { storage, index: redisFileIndex(redis, config.filesPrefix) },
    checkReady: async () => ({ sessions: (await redisAnswers(redis)) ? 'up' : 'down' }),
    close: async () => {
      clearInterval(drain);
      await changes.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
