import type { ServiceConfig } from '../../../config/service-config';

/** mulberry32: a small seeded PRNG, so that a fault run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Config-driven faults for tests of the broker mode; all OFF unless a `<SERVICE>_FAULT_…` key is
 * set. They act where a real fault would show: a participant's answer, a relay's publish.
 */
export interface FaultHooks {
  failForwardStep(): boolean;
  failCompensation(): boolean;
  publishTwice(): boolean;
  /** Milliseconds the relay waits before publishing the next event (0: none); later events wait behind it. */
  publishDelayMs(): number;
}

export function createFaultHooks(config: ServiceConfig): FaultHooks {
  const random = seededRandom(config.faultSeed);
  let compensationFailures = config.faultCompensationFailures;
  return {
    failForwardStep: () => config.faultFailRate > 0 && random() < config.faultFailRate,
    failCompensation: () => compensationFailures > 0 && compensationFailures-- > 0,
    publishTwice: () => config.faultDuplicateRate > 0 && random() < config.faultDuplicateRate,
    publishDelayMs: () => (config.faultDelayRate > 0 && random() < config.faultDelayRate ? config.faultDelayMs : 0),
  };
}
