import type { Logger } from '../../lib/http/logger';
import type { RedisClient } from '../../lib/redis/create-redis';
import { parseChangeNotice, type ChangeNotice } from '../../lib/notices/change-notice';

export interface ChangeListener {
  /** Calls `listener` with every notice; answers the function that stops it. */
  on(listener: (notice: ChangeNotice) => void): () => void;
  close(): Promise<void>;
}

/**
 * The one subscription of this BFF process to the services' change notices (lib/notices/change-notice.ts):
 * every SSE stream and the composition cache listen here, so the process holds one Redis
 * connection for them however many browsers watch. Without Redis nothing arrives, and the
 * listeners' own periodic reads are all there is.
 */
export function listenForChanges(redis: RedisClient | undefined, channel: string, logger: Logger): ChangeListener {
  const listeners = new Set<(notice: ChangeNotice) => void>();
  const subscriber = redis && (redis as { duplicate(): RedisClient }).duplicate();
  if (subscriber) {
    subscriber.on('message', (from: string, text: string) => {
      if (from !== channel) return;
      const notice = parseChangeNotice(text);
      if (notice) for (const listener of listeners) listener(notice);
    });
    // On every (re)connection: SUBSCRIBE twice to one channel is harmless, a lost one is not.
    const subscribe = () => {
      subscriber.subscribe(channel).catch((err: unknown) => logger.warn({ err: (err as Error).message, channel }, 'change notices: subscribe failed; screens refresh by themselves'));
    };
    subscriber.on('ready', subscribe);
    // An outage is the session store's to report (same Redis); here it only slows screens down.
    subscriber.on('error', (err: Error) => logger.debug({ err: err.message }, 'change notices: redis unavailable'));
    if (subscriber.status === 'ready') subscribe();
    else if (subscriber.status === 'wait') subscriber.connect().catch(() => undefined);
  }
  return {
    on: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      listeners.clear();
      await subscriber?.quit().catch(() => subscriber.disconnect());
    },
  };
}
