/**
 * What the services announce on Redis pub/sub after a commit, and the BFFs listen to (docs/scaling.md):
 * a saga's log changed (MS1), or a contract's row changed (any service, by MS1's contract number).
 * A notice carries no data: it only says "read again", and for a saga the state it moved to when
 * the change set one (a waiter for the outcome reads only then). Pub/sub is at most once, so a
 * listener also looks again now and then by itself.
 */
export type SagaNoticeState = 'END' | 'CANCEL' | 'COMPENSATING';
export type ChangeNotice = { saga: string; state?: SagaNoticeState } | { contract: number };
const SAGA_STATES: readonly string[] = ['END', 'CANCEL', 'COMPENSATING'] satisfies SagaNoticeState[];

export const DEFAULT_NOTICE_CHANNEL = 'contract-notices';

export function parseChangeNotice(text: string): ChangeNotice | undefined {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (typeof value.saga === 'string' && value.saga.length <= 100) return SAGA_STATES.includes(value.state as string) ? { saga: value.saga, state: value.state as SagaNoticeState } : { saga: value.saga };
    if (Number.isInteger(value.contract) && (value.contract as number) > 0) return { contract: value.contract as number };
  } catch {
    // not ours
  }
  return undefined;
}
