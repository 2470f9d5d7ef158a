/**
 * Delay before compensation attempt `attempt + 1`: exponential from `baseMs`, capped at `maxMs`,
 * with ±20 % jitter so that sagas failing together do not retry in lockstep.
 */
export function compensationBackoff(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  return Math.round(raw * (0.8 + 0.4 * random()));
}
