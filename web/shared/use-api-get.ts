import { useEffect, useState } from 'react';
import { api } from './api';

/**
 * GETs an /api path and follows it when it changes. Each answer (or error) is kept with the path
 * it answers and shown only while that path is still the one asked for: a new path reads as
 * loading in the same render (no reset in an effect, no second render, never the previous path's
 * rows or error), and a late answer for an earlier path is dropped. The error is kept as thrown,
 * so the screen words it in the language it shows now (web/shared/problem-text.ts).
 */
export function useApiGet<T>(path: string): { data: T | null; error: unknown } {
  const [answer, setAnswer] = useState<{ path: string; data: T | null; error: unknown } | null>(null);
  useEffect(() => {
    let live = true;
    void api<T>(path).then(
      (data) => live && setAnswer({ path, data, error: null }),
      (error: unknown) => live && setAnswer({ path, data: null, error }),
    );
    return () => {
      live = false;
    };
  }, [path]);
  const current = answer?.path === path ? answer : null;
  return { data: current?.data ?? null, error: current?.error ?? null };
}
