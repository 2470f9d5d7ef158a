import type { Logger } from '../../../lib/http/logger';
import { createRedis } from '../../../lib/redis/create-redis';
import type { ChangeNotice, SagaNoticeState } from '../../../lib/notices/change-notice';

export interface ChangeNotices {
  /** MS1's log of this saga changed (a step, a state: named when the change set one). */
  saga(globalNo: string, state?: SagaNoticeState): void;
  /** These contracts (MS1's numbers) changed, committed. */
  contracts(saPponContNos: Iterable<number>): void;
  close(): Promise<void>;
}

const silent: ChangeNotices = { saga: () => undefined, contracts: () => undefined, close: async () => undefined };

/**
 * PUBLISHes change notices on the services' Redis, fire and forget: a lost notice costs a BFF a
 * slower refresh, never a wrong answer. Without Redis there is no one to tell (the BFFs then look
 * by themselves, docs/scaling.md).
 */
export function createChangeNotices(options: { redisUrl?: string; channel: string; logger: Logger }): ChangeNotices {
  if (!options.redisUrl) return silent;
  const redis = createRedis(options.redisUrl, options.logger, { commandTimeoutMs: 500, lazyConnect: false, outageLevel: 'warn', outageMessage: 'change notices (redis) unavailable; screens refresh more slowly' });
  const send = (notice: ChangeNotice) => {
    redis.publish(options.channel, JSON.stringify(notice)).catch((err: unknown) => options.logger.debug({ err: (err as Error).message }, 'change notice not sent'));
  };
  return {
    saga: (globalNo, state) => send(state ? { saga: globalNo, state } : { saga: globalNo }),
    contracts: (nos) => {
      for (const contract of nos) send({ contract });
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
