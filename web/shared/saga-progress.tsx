import { useEffect, useState } from 'react';
import { useT } from './i18n';

export interface SagaStep {
  participant?: string;
  action?: string;
  attempt?: number;
  outcome?: string;
  error?: string | null;
  durationMs?: number;
}

export interface SagaView {
  globalNo: string;
  state: string;
  steps: SagaStep[];
  reason?: string | null;
  saPponContNo?: number | null;
  done: boolean;
}

const TERMINAL = ['end', 'timeout', 'failure'];

/**
 * Follows a saga over SSE. EventSource reconnects by itself after a drop, sending Last-Event-ID,
 * and the BFF resumes after it; once a terminal event arrives the source is closed, so the browser
 * never reconnects to a finished saga. A BFF instance that drains ends the stream with a `reconnect`
 * event and `retry: 250` (lib/http/serve.ts): the source is left open, so it reconnects within a
 * quarter second, through the load balancer, to an instance that still serves.
 */
export function useSagaEvents(globalNo: string | null, initial?: Partial<SagaView>): SagaView | null {
  const [view, setView] = useState<SagaView | null>(null);
  useEffect(() => {
    if (!globalNo) {
      setView(null);
      return;
    }
    setView({ globalNo, state: 'START', steps: [], done: false, ...initial });
    if (initial?.done) return;
    let source: EventSource;
    let lastId = '';
    let retry: ReturnType<typeof setTimeout> | undefined;
    let finished = false;
    const open = () => {
      // A fresh source cannot send Last-Event-ID: the BFF takes it from the query instead.
      source = new EventSource(`/api/sagas/${encodeURIComponent(globalNo)}/events${lastId ? `?lastEventId=${encodeURIComponent(lastId)}` : ''}`);
      const seen = (e: Event) => (lastId = (e as MessageEvent).lastEventId || lastId);
      source.addEventListener('step', (e) => {
        seen(e);
        const step = JSON.parse((e as MessageEvent).data) as SagaStep;
        setView((v) => v && { ...v, steps: [...v.steps, step] });
      });
      source.addEventListener('state', (e) => {
        seen(e);
        const { state } = JSON.parse((e as MessageEvent).data) as { state: string };
        setView((v) => v && { ...v, state });
      });
      for (const type of TERMINAL) {
        source.addEventListener(type, (e) => {
          finished = true;
          source.close();
          const data = JSON.parse((e as MessageEvent).data) as Record<string, unknown>;
          setView((v) => v && { ...v, state: String(data.state ?? v.state), reason: (data.message as string) ?? (data.code as string) ?? null, saPponContNo: (data.saPponContNo as number) ?? v.saPponContNo, done: true });
        });
      }
      // A reconnect answered with an error (say a 502 while the load balancer had no instance
      // ready) closes an EventSource for good: open a new one a second later, resuming after lastId.
      source.onerror = () => {
        if (finished || source.readyState !== EventSource.CLOSED) return;
        retry = setTimeout(open, 1000);
      };
    };
    open();
    return () => {
      finished = true;
      clearTimeout(retry);
      source.close();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [globalNo]);
  return view;
}

const stepLabel = (s: SagaStep) => `${s.participant ?? ''} ${s.action ?? ''}`.trim();

/** The steps as they happen, then END or CANCEL with the reason. */
export function SagaProgress({ view }: { view: SagaView }) {
  const t = useT();
  const outcome = view.state === 'END' ? t('sagaEnd') : view.state === 'CANCEL' ? t('sagaCancel') : view.state === 'COMPENSATING' ? t('sagaCompensating') : view.state;
  return (
    <section className="saga" aria-live="polite" aria-labelledby="saga-title">
      <h2 id="saga-title">
        {t('sagaProgress')} <code>{view.globalNo}</code>
      </h2>
      <ol className="saga-steps">
        {view.steps.map((s, i) => (
          <li key={i} className={s.outcome === 'Y' ? 'ok' : s.outcome ? 'failed' : ''}>
            <span>{stepLabel(s)}</span> <span className="outcome">{s.outcome === 'Y' ? '✔' : s.outcome ? `✘ ${s.error ?? ''}` : '…'}</span>
          </li>
        ))}
      </ol>
      <p className="saga-state" data-state={view.state} data-done={view.done}>
        <strong>{view.done ? outcome : `${view.state}…`}</strong>
        {view.done && view.reason && view.state !== 'END' && (
          <span className="saga-reason">
            {' '}
            — {t('reason')}: {view.reason}
          </span>
        )}
      </p>
    </section>
  );
}
