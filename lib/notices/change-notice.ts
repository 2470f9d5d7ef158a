/**
 * What the services announce on Redis pub/sub after a commit, and the BFFs listen to (docs/scaling.md):
 * a saga's log changed (MS1), or a contract's row changed (any service, by MS1's contract number).
 * A notice carries no data: it only says "read again". Pub/sub is at most once, so a listener also
 * looks again now and then by itself.
 */
export type ChangeNotice = { saga: string } | { contract: number };

export const DEFAULT_NOTICE_CHANNEL = 'contract-notices';

export function parseChangeNotice(text: string): ChangeNotice | undefined {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (typeof value.saga === 'string' && value.saga.length <= 100) return { saga: value.saga };
    if (Number.isInteger(value.contract) && (value.contract as number) > 0) return { contract: value.contract as number };
  } catch {
    // not ours
  }
  return undefined;
}
