import { useEffect, useMemo, useState } from 'react';
import { isMessageKey, useT } from './i18n';
import { sagaStateText, stepText } from './saga-words';
import { Link } from './router';
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
  /** It has ended (END or CANCEL): the outcome is known. */
  done: boolean;
  /** Watched longer than a stream lasts, or not answered in time: no outcome yet, and it goes on. */
  stillRunning?: boolean;
}

/** The saga states that are an outcome; COMPENSATING is not one (MS1 retries until CANCEL). */
export const isOutcome = (state: string | undefined) => state === 'END' || state === 'CANCEL';

/** Waits between new sources after a failed reconnect: 1 s, doubling, at most 15 s. */
const retryDelay = (failures: number) => Math.min(15_000, 1000 * 2 ** failures);

/**
 * Follows a saga over SSE until it ends. EventSource reconnects by itself after a drop, sending
 * Last-Event-ID, and the BFF resumes after it; once the `end` event arrives the source is closed,
 * so the browser never reconnects to a finished saga. A `timeout` (the stream followed it for its
 * time) or a `failure` (MS1 could not be read) is no outcome: the view says the saga still runs,
 * and the source reconnects by itself and resumes. A BFF instance that drains ends the stream with
 * a `reconnect` event and `retry: 250` (lib/http/serve.ts): the source is left open, so it
 * reconnects within a quarter second, through the load balancer, to an instance that still serves.
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
    let failures = 0;
    let finished = false;
    const open = () => {
      // A fresh source cannot send Last-Event-ID: the BFF takes it from the query instead.
      source = new EventSource(`/api/sagas/${encodeURIComponent(globalNo)}/events${lastId ? `?lastEventId=${encodeURIComponent(lastId)}` : ''}`);
      function on<T>(type: string, handle: (data: T) => void) {
        source.addEventListener(type, (e) => {
          const event = e as MessageEvent<string>;
          lastId = event.lastEventId || lastId;
          failures = 0;
          handle(JSON.parse(event.data) as T);
        });
      }
      on<SagaStep>('step', (step) => setView((v) => ({ ...v, steps: [...v.steps, step] })));
      on<{ state: string }>('state', ({ state }) => setView((v) => ({ ...v, state })));
      on<{ state?: string }>('timeout', ({ state }) => setView((v) => ({ ...v, state: state ?? v.state, stillRunning: true })));
      on<unknown>('failure', () => setView((v) => ({ ...v, stillRunning: true })));
      on<Record<string, unknown>>('end', (data) => {
        finished = true;
        source.close();
        setView((v) => ({ ...v, state: textOf(data.state ?? v.state), reasonCode: v.reasonCode ?? (data.reasonCode as string) ?? null, saPponContNo: (data.saPponContNo as number) ?? v.saPponContNo, stillRunning: false, done: true }));
      });
      // A reconnect answered with an error (say a 502 while the load balancer had no instance
      // ready, or MS1 unreadable) closes an EventSource for good: open a new one later, resuming after lastId.
      source.onerror = () => {
        if (finished || source.readyState !== EventSource.CLOSED) return;
        retry = setTimeout(open, retryDelay(failures++));
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

/** One step: what it did or that it failed, in words (one state, never both); the mark is for the eye. */
function Step({ step }: { step: SagaStep }) {
  const t = useT();
  const failed = Boolean(step.outcome) && step.outcome !== 'Y';
  return (
    <li className={step.outcome === 'Y' ? 'ok' : failed ? 'failed' : ''}>
      <span>{stepText(t, step)}</span>{' '}
      <span className="outcome" aria-hidden={step.outcome ? true : undefined}>
        {step.outcome === 'Y' ? '✔' : failed ? '✘' : '…'}
      </span>
    </li>
  );
}

/** A saga that has not ended while watched: said plainly, with where to see it later. */
function StillRunning({ globalNo, linked }: { globalNo: string; linked: boolean }) {
  const t = useT();
  return (
    <p className="saga-still">
      {t('sagaStillRunning')}
      {linked && (
        <>
          {' '}
          <Link to={`/sagas?globalNo=${encodeURIComponent(globalNo)}`}>{t('sagaOpenProgress')}</Link>
        </>
      )}
    </p>
  );
}

/**
 * The steps as they happen, in an agent's words, then the outcome with the reason. `linked`: the
 * box is not on the saga's own progress screen, so a saga still running links to it.
 */
export function SagaProgress({ view, linked = false }: { view: SagaView; linked?: boolean }) {
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
          <Step key={i} step={s} />
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
      {!view.done && view.stillRunning && <StillRunning globalNo={view.globalNo} linked={linked} />}
    </section>
  );
}
