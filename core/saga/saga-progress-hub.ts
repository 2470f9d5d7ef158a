import type { ChangeListener } from '../notices/listen-for-changes';

/** What a stream waits on: the next reading of the saga's log, shared with every stream of this process watching it. */
export interface SagaFollower<T> {
  /** The next new reading, or undefined after `timeoutMs` without one; throws when the shared read failed. */
  next(timeoutMs: number): Promise<T | undefined>;
  stop(): void;
}

export interface SagaProgressHub {
  /** `read` is this stream's own way to read the log (its user's token): the hub uses any live stream's. */
  follow<T extends { state: string; steps?: unknown[] }>(globalNo: string, read: () => Promise<T>): SagaFollower<T>;
  /** Sagas watched now (for tests and metrics). */
  watched(): number;
}

interface Follower {
  read: () => Promise<unknown>;
  latest?: unknown;
  failed?: unknown;
  wake?: () => void;
}
interface Watch {
  followers: Set<Follower>;
  seen?: string;
  reading?: Promise<void>;
  again: number;
  timer: NodeJS.Timeout;
}

/** How often, and how many times, a notice whose read showed nothing new is looked at again (it may precede its commit). */
const RECHECK_MS = 150;
const RECHECKS = 3;
const fingerprint = (log: { state?: unknown; steps?: unknown[] }) => `${String(log.state)}|${log.steps?.length ?? 0}`;

/**
 * One reader of MS1 per watched saga in this process, however many streams follow it: MS1's load
 * grows with the sagas watched and their changes, never with the people watching. A change notice
 * (MS1 announces each write of a saga's log) triggers one read; a read that shows nothing new is
 * repeated a few times shortly after (the notice may come before its commit); and every
 * `refreshMs` the hub reads by itself, because notices are at most once (or absent without Redis).
 */
export function createSagaProgressHub(listener: ChangeListener, refreshMs: number): SagaProgressHub {
  const watches = new Map<string, Watch>();

  const refresh = (watch: Watch, rechecks: number) => {
    if (watch.reading) {
      watch.again = Math.max(watch.again, rechecks + 1);
      return;
    }
    const [first] = watch.followers;
    if (!first) return;
    watch.reading = first
      .read()
      .then((log) => {
        const print = fingerprint(log as { state?: unknown; steps?: unknown[] });
        if (print === watch.seen) {
          if (rechecks > 0) setTimeout(() => refresh(watch, rechecks - 1), RECHECK_MS).unref();
          return;
        }
        watch.seen = print;
        for (const f of watch.followers) {
          f.latest = log;
          f.wake?.();
        }
      })
      .catch((err: unknown) => {
        for (const f of watch.followers) {
          f.failed = err;
          f.wake?.();
        }
      })
      .finally(() => {
        watch.reading = undefined;
        if (watch.again > 0) {
          const left = watch.again - 1;
          watch.again = 0;
          refresh(watch, left);
        }
      });
  };

  listener.on((notice) => {
    if (!('saga' in notice)) return;
    const watch = watches.get(notice.saga);
    if (watch) refresh(watch, RECHECKS);
  });

  return {
    watched: () => watches.size,
    follow: <T extends { state: string; steps?: unknown[] }>(globalNo: string, read: () => Promise<T>): SagaFollower<T> => {
      let watch = watches.get(globalNo);
      if (!watch) {
        const created: Watch = { followers: new Set(), again: 0, timer: setInterval(() => refresh(created, 0), refreshMs) };
        created.timer.unref();
        watches.set(globalNo, (watch = created));
      }
      const follower: Follower = { read };
      watch.followers.add(follower);
      const own = watch;
      return {
        next: async (timeoutMs) => {
          if (follower.latest === undefined && follower.failed === undefined) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, Math.max(0, timeoutMs));
              follower.wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            follower.wake = undefined;
          }
          if (follower.failed !== undefined) throw follower.failed instanceof Error ? follower.failed : new Error('the saga log could not be read', { cause: follower.failed });
          const log = follower.latest as T | undefined;
          follower.latest = undefined;
          return log;
        },
        stop: () => {
          follower.wake?.();
          own.followers.delete(follower);
          if (own.followers.size === 0) {
            clearInterval(own.timer);
            if (watches.get(globalNo) === own) watches.delete(globalNo);
          }
        },
      };
    },
  };
}
