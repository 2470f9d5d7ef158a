import { useEffect, useMemo, useState } from 'react';
import { isMessageKey, useT } from './i18n';
import { sagaStateText, stepText } from './saga-words';
import { textOf } from './text-of';

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
  kind?: 'reg' | 'amd';
  state: string;
  steps: SagaStep[];
  /** A problem code for the reason (DRILL_FAILURE, …); else the failed step says it. */
  reasonCode?: string | null;
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
 *
 * `initial` is what is known when following starts (a finished saga's log: then no source is
 * opened). Pass it from state, as the screens do: a new object follows the saga anew from it.
 */
export function useSagaEvents(globalNo: string | null, initial?: Partial<SagaView>): SagaView | null {
  const start = useMemo<SagaView | null>(() => (globalNo ? { globalNo, state: 'START', steps: [], done: false, ...initial } : null), [globalNo, initial]);
  // What the source has told, kept with the start it grew from: another saga shows its own start
  // in the same render, never the previous saga's steps.
  const [told, setTold] = useState<{ from: SagaView; view: SagaView } | null>(null);
  useEffect(() => {
    if (!start || start.done) return;
    const globalNo = start.globalNo;
    const setView = (change: (v: SagaView) => SagaView) => setTold((t) => ({ from: start, view: change(t?.from === start ? t.view : start) }));
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
        const step = JSON.parse((e as MessageEvent<string>).data) as SagaStep;
        setView((v) => ({ ...v, steps: [...v.steps, step] }));
      });
      source.addEventListener('state', (e) => {
        seen(e);
        const { state } = JSON.parse((e as MessageEvent<string>).data) as { state: string };
        setView((v) => ({ ...v, state }));
      });
      for (const type of TERMINAL) {
        source.addEventListener(type, (e) => {
          finished = true;
          source.close();
          const data = JSON.parse((e as MessageEvent<string>).data) as Record<string, unknown>;
          const code = (data.reasonCode as string) ?? (type === 'end' ? null : ((data.code as string) ?? 'UPSTREAM_TIMEOUT'));
          setView((v) => ({ ...v, state: textOf(data.state ?? v.state), reasonCode: v.reasonCode ?? code, saPponContNo: (data.saPponContNo as number) ?? v.saPponContNo, done: true }));
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
  }, [start]);
  return told?.from === start ? told.view : start;
}

/** Why a saga did not end well, in words: its reason code, or the part whose step failed. */
export function reasonOf(t: ReturnType<typeof useT>, view: Pick<SagaView, 'reasonCode' | 'steps'>): string {
  const key = `problem.${view.reasonCode ?? ''}`;
  if (isMessageKey(key)) return t(key);
  const failed = view.steps.find((s) => s.outcome && s.outcome !== 'Y' && !String(s.action).includes('compensation'));
  const part = `part.${failed?.participant ?? ''}`;
  return failed && isMessageKey(part) ? t('partFailed', { part: t(part) }) : t('problem.SAGA_FAILED');
}

/** The steps as they happen, in an agent's words, then the outcome with the reason. */
export function SagaProgress({ view }: { view: SagaView }) {
  const t = useT();

  return (
    <section className="saga" aria-live="polite" aria-labelledby="saga-title">
      <h2 id="saga-title">{view.kind ? t(`sagaFor.${view.kind}`) : t('sagaProgress')}</h2>
      <p className="saga-ref">
        {t('sagaNumber', { no: '' })}
        <code>{view.globalNo}</code>
      </p>
      <ol className="saga-steps">
        {view.steps.map((s, i) => (
          <li key={i} className={s.outcome === 'Y' ? 'ok' : s.outcome ? 'failed' : ''}>
            <span>{stepText(t, s)}</span> <span className="outcome">{s.outcome === 'Y' ? '✔' : s.outcome ? `✘ ${t('stepFailed')}` : '…'}</span>
          </li>
        ))}
      </ol>
      <p className="saga-state" data-state={view.state} data-done={view.done}>
        <strong>{view.done ? sagaStateText(t, view.state) : `${sagaStateText(t, view.state)}…`}</strong>
        {view.done && view.state !== 'END' && (
          <span className="saga-reason">
            {' '}
            — {t('reason')}: {reasonOf(t, view)}
          </span>
        )}
      </p>
    </section>
  );
}
