import type { Lifecycle } from './lifecycle';

export interface RetryOptions {
  lifecycle: Lifecycle;
  /** One line per failed attempt: what is awaited, why, and when the next try comes. */
  log: (fields: { waitingFor: string; attempt: number; retryInMs: number; reason: string }, message: string) => void;
  firstMs?: number;
  maxMs?: number;
  /** Only errors this accepts are waited out; any other is thrown at once (a bad setting is not "not ready"). */
  retryIf?: (err: unknown) => boolean;
}

/** Thrown when the process is stopping while it still waits for a dependency. */
export class StoppedWhileWaiting extends Error {
  constructor(what: string) {
    super(`stopped while waiting for ${what}`);
    this.name = 'StoppedWhileWaiting';
  }
}

/** Thrown by an attempt to say which dependency it is waiting for (its `/readyz` key). */
export class WaitingFor extends Error {
  constructor(readonly what: string, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'WaitingFor';
  }
}

/** A setting to fix, not a dependency to wait for (wrong credentials, a path it cannot write): the wait stops at once, the message naming the setting. */
export class SettingToFix extends Error {
  readonly settingToFix = true;
  override name = 'SettingToFix';
}

/**
 * An error marked `settingToFix` (itself or a cause) stops the wait at once: waiting would never end.
 * (Not `fatal`: mysql2 marks a refused connection `fatal`, and that one is waited out.)
 */
function isFatal(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) if ((e as { settingToFix?: unknown }).settingToFix === true) return true;
  return false;
}

const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 300);

/**
 * Runs `attempt` until it resolves: a dependency that is not ready yet (Kafka starting, a topic not
 * yet served, Redis, MariaDB or the SSO down) is waited for, never a reason to exit. Backoff doubles
 * from `firstMs` to `maxMs`; meanwhile the lifecycle's /readyz names `what` with the last error.
 */
export async function retryUntilReady<T>(what: string, attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { lifecycle, log, firstMs = 500, maxMs = 10_000, retryIf = () => true } = options;
  let awaited = what;
  for (let n = 1; ; n++) {
    if (lifecycle.stopping.aborted) throw new StoppedWhileWaiting(awaited);
    try {
      const value = await attempt();
      lifecycle.done(awaited);
      return value;
    } catch (err) {
      if (lifecycle.stopping.aborted) throw new StoppedWhileWaiting(awaited);
      if (isFatal(err) || !retryIf(err)) throw err;
      const reason = reasonOf(err);
      const retryInMs = Math.min(firstMs * 2 ** (n - 1), maxMs);
      lifecycle.done(awaited);
      awaited = err instanceof WaitingFor ? err.what : what;
      lifecycle.waitFor(awaited, reason);
      log({ waitingFor: awaited, attempt: n, retryInMs, reason }, `waiting for ${awaited}: ${reason}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, retryInMs);
        lifecycle.stopping.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }
}
