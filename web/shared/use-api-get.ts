import { useCallback, useEffect, useState } from 'react';
import { api } from './api';

/**
 * GETs an /api path and follows it when it changes. Each answer (or error) is kept with the path
 * it answers and shown only while that path is still the one asked for: a new path reads as
 * loading in the same render (no reset in an effect, no second render, never the previous path's
 * rows or error), and a late answer for an earlier path is dropped. The error is kept as thrown,
 * so the screen words it in the language it shows now (web/shared/problem-text.ts). `reload()`
 * reads the same path again (after a change of what it shows).
 */
export function useApiGet<T>(path: string): { data: T | null; error: unknown; reload: () => void } {
  const [answer, setAnswer] = useState<{ path: string; data: T | null; error: unknown } | null>(null);
  // reload() asks again; the answer shown meanwhile stays (a form built on it is not unmounted).
  const [asked, setAsked] = useState(0);
  const reload = useCallback(() => setAsked((n) => n + 1), []);
  useEffect(() => {
    let live = true;
    void api<T>(path).then(
      (data) => live && setAnswer({ path, data, error: null }),
      (error: unknown) => live && setAnswer({ path, data: null, error }),
    );
    return () => {
      live = false;
    };
  }, [path, asked]);
  const current = answer?.path === path ? answer : null;
  return { data: current?.data ?? null, error: current?.error ?? null, reload };
}
