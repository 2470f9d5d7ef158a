import { useState } from 'react';
import { useApiGet } from './use-api-get';

/** The states a saga list can be filtered by (GET /api/sagas `state`), in the order the screens offer them. */
export const SAGA_STATES = ['START', 'COMPENSATING', 'END', 'CANCEL'] as const;

/** The list's filters; '' (or absent) means every state or kind. */
export interface SagaFilter {
  state?: string;
  kind?: string;
}

/**
 * The user's sagas from GET /api/sagas (MS1 decides whose: an agent's own, every saga for operators
 * and supervisors), newest first, a page at a time with the BFF's `nextCursor`. Both apps read it
 * here: the PC's monitor pages back and forth (`page`, `prev`, `next`), the phone appends
 * ("more": `earlier` holds the pages before the current one). Another filter starts again at the
 * first page in the same render, never with the previous list's cursor or rows. `reload` asks for
 * the current page again (a followed saga ended: its row's state changed) — a trailing `&` changes
 * the path useApiGet follows, not the query the BFF reads.
 */
export function useSagaList<T>(filter: SagaFilter, { size = 20, reload = false }: { size?: number; reload?: boolean } = {}) {
  const key = `${filter.state ?? ''}|${filter.kind ?? ''}`;
  // The cursors of the pages after the first that were asked for (page n's is cursors[n - 2]), and the rows of the pages before the current one.
  const [read, setRead] = useState<{ key: string; cursors: string[]; earlier: T[][] }>({ key, cursors: [], earlier: [] });
  const seen = read.key === key ? read : { key, cursors: [], earlier: [] };
  const params = new URLSearchParams({ size: String(size) });
  if (filter.state) params.set('state', filter.state);
  if (filter.kind) params.set('kind', filter.kind);
  if (seen.cursors.length) params.set('cursor', seen.cursors[seen.cursors.length - 1]);
  const { data: page, error } = useApiGet<{ items: T[]; nextCursor: string | null }>(`/api/sagas?${params}${reload ? '&' : ''}`);
  const nextCursor = page?.nextCursor ?? null;
  return {
    /** The current page (null while it loads or when it failed). */
    page,
    /** Why the current page could not be read (word it with problemText). */
    error,
    pageNo: seen.cursors.length + 1,
    /** The rows of the pages before the current one, oldest page last. */
    earlier: seen.earlier.flat(),
    hasNext: nextCursor !== null,
    next: () => {
      if (page && nextCursor) setRead({ key, cursors: [...seen.cursors, nextCursor], earlier: [...seen.earlier, page.items] });
    },
    prev: () => setRead({ key, cursors: seen.cursors.slice(0, -1), earlier: seen.earlier.slice(0, -1) }),
  };
}
