import { ExponentialBackoff, handleWhenResult, retry } from 'cockatiel';

export interface RetryOptions {
  retries: number;
  backoffMs: number;
}

/**
 * Runs `attempt` until `succeeded` says so or the retries are spent, waiting an exponentially growing,
 * jittered delay (cockatiel's default; capped at 30 s); returns the last result either way, so the caller decides what failure means.
 */
export async function retryWithBackoff<T>(attempt: () => Promise<T>, succeeded: (result: T) => boolean, options: RetryOptions): Promise<T> {
  const policy = retry(
    handleWhenResult((result) => !succeeded(result as T)),
    {
      maxAttempts: options.retries,
      backoff: new ExponentialBackoff({ initialDelay: options.backoffMs, maxDelay: 30_000, exponent: 2 }),
    },
  );
  return policy.execute(attempt);
}
