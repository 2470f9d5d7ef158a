import { createHash } from 'node:crypto';
import { AppError } from '../../lib/errors/app-error';
import type { KeyValueStore } from '../cache/key-value-store';

export interface StoredAnswer {
  status: number;
  body: unknown;
  location?: string;
}

interface StoredProblem {
  code: AppError['code'];
  detail?: string;
  extra: Record<string, unknown>;
}

const TTL_SECONDS = 24 * 3600;
const KEY_FORMAT = /^[\x21-\x7e]{1,200}$/;

/**
 * `Idempotency-Key` for saga triggers: the first request runs and its answer (success or refusal)
 * is kept for 24 h; a retry with the same key and body gets that answer again and never starts a
 * second saga. A retry while the first still runs gets 409; the same key with another body, 422.
 */
export async function runIdempotent(
  kv: KeyValueStore,
  /** Whose answers these are, under the deployment's key prefix (`<IDEMPOTENCY_PREFIX><app>:<user>`). */
  scope: string,
  key: string | undefined,
  request: unknown,
  run: () => Promise<StoredAnswer>,
): Promise<StoredAnswer & { replayed: boolean }> {
  if (key === undefined) return { ...(await run()), replayed: false };
  if (!KEY_FORMAT.test(key)) throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be 1–200 visible ASCII characters');
  const storeKey = `${scope}:${createHash('sha256').update(key).digest('hex')}`;
  const fingerprint = createHash('sha256').update(JSON.stringify(request)).digest('hex');

  if (!(await kv.setIfAbsent(storeKey, JSON.stringify({ fingerprint, pending: true }), TTL_SECONDS))) {
    const existing = JSON.parse((await kv.get(storeKey)) ?? '{}') as Record<string, unknown> & { fingerprint?: string; answer?: StoredAnswer; problem?: StoredProblem };
    if (existing.fingerprint !== fingerprint) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    if (existing.problem) throw new AppError(existing.problem.code, existing.problem.detail, { ...existing.problem.extra, replayed: true });
    if (!existing.answer) throw new AppError('IDEMPOTENCY_KEY_IN_USE');
    return { ...existing.answer, replayed: true };
  }
  try {
    const answer = await run();
    await kv.set(storeKey, JSON.stringify({ fingerprint, answer }), TTL_SECONDS);
    return { ...answer, replayed: false };
  } catch (err) {
    if (err instanceof AppError && err.status < 500) {
      // A definite refusal is the answer to replay; an upstream failure may be retried.
      const problem: StoredProblem = { code: err.code, detail: err.detail, extra: err.extra };
      await kv.set(storeKey, JSON.stringify({ fingerprint, problem }), TTL_SECONDS);
    } else {
      await kv.del(storeKey);
    }
    throw err;
  }
}
