import { errorCatalog } from '../errors/catalog';

/**
 * Why a saga step failed, as a stable code a screen can translate (never the English detail): the
 * catalog error whose title the text carries (e.g. DRILL_FAILURE), else UPSTREAM_TIMEOUT for a step
 * that timed out, else STEP_FAILED. Shared by MS1's saga list and the BFF's rollback reason.
 */
export function sagaReasonCode(text: string | null | undefined): string {
  const detail = text ?? '';
  const known = Object.entries(errorCatalog).find(([, entry]) => detail.includes(entry.title));
  if (known) return known[0];
  return /timed? ?out|in time/i.test(detail) ? 'UPSTREAM_TIMEOUT' : 'STEP_FAILED';
}
