import { useEffect, useState } from 'react';
import { api } from './api';
import { isOutcome, useSagaEvents, type SagaView } from './saga-progress';

/** A saga's log as GET /api/sagas/:globalNo answers it (MS1's saga log). */
interface SagaLog {
  globalNo: string;
  kind?: 'reg' | 'amd';
  state: string;
  saPponContNo?: number | null;
  reasonCode?: string | null;
  steps: SagaView['steps'];
}

/**
 * The saga a screen follows by its reference (`?globalNo=` in the URL; null: none): its log read
 * once, then, while it runs (or is still being undone), its steps live over SSE (useSagaEvents). A
 * finished saga shows its log. The answer is kept with its reference: another reference shows nothing of this one's. The
 * error is kept as thrown, for problemText.
 */
export function useFollowedSaga(globalNo: string | null): { view: SagaView | null; error: unknown } {
  const [looked, setLooked] = useState<{ globalNo: string; initial?: Partial<SagaView>; error?: unknown } | null>(null);
  const followed = globalNo && looked?.globalNo === globalNo ? looked : null;
  const view = useSagaEvents(followed?.initial ? followed.globalNo : null, followed?.initial);
  useEffect(() => {
    if (!globalNo) return;
    let live = true;
    void api<SagaLog>(`/api/sagas/${encodeURIComponent(globalNo)}`).then(
      // Ended: its log. Not yet (START, or COMPENSATING: still undoing): the stream sends it all, from the first step.
      (log) => live && setLooked({ globalNo, initial: { kind: log.kind, saPponContNo: log.saPponContNo, ...(isOutcome(log.state) ? { state: log.state, steps: log.steps, reasonCode: log.reasonCode, done: true } : {}) } }),
      (error: unknown) => live && setLooked({ globalNo, error }),
    );
    return () => {
      live = false;
    };
  }, [globalNo]);
  return { view, error: followed?.error ?? null };
}
