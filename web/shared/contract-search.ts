import { CONTRACT_SORT_KEYS, CONTRACT_STATES } from '../../lib/contracts/contract-search-keys';

/** The contract list's search as the screens keep it in the URL: filters, sort and the page (Back and reload keep the place). */
export const SEARCH_KEYS = ['contr', 'payr', 'svcNo', 'cardNo', 'state', 'from', 'to', 'sort', 'order'] as const;
export type SearchKey = (typeof SEARCH_KEYS)[number];
export type Search = Partial<Record<SearchKey, string>>;
export const SORTS = CONTRACT_SORT_KEYS;
export const STATES = CONTRACT_STATES;
export type SortKey = (typeof SORTS)[number];

/** The values a key of the URL may take (the others are free text the BFF checks). */
const ALLOWED: Partial<Record<SearchKey, readonly string[]>> = { sort: SORTS, order: ['asc', 'desc'], state: STATES };

/**
 * The search in the current URL (`q`, the earlier contractor search, is read as `contr`), and the
 * keys whose value no list takes (`?sort=bogus`): left out of the search, for the screen to say so.
 */
export function urlSearch(): { search: Search; ignored: SearchKey[] } {
  const params = new URLSearchParams(location.search);
  const search: Search = {};
  const ignored: SearchKey[] = [];
  for (const key of SEARCH_KEYS) {
    const value = params.get(key)?.trim();
    if (value && ALLOWED[key] && !ALLOWED[key].includes(value)) ignored.push(key);
    else if (value) search[key] = value;
  }
  const q = params.get('q')?.trim();
  if (q && !search.contr) search.contr = q;
  return { search, ignored };
}

/** The search in the current URL, without the values no list takes. */
export const searchFromUrl = (): Search => urlSearch().search;

export const searchQuery = (search: Search, extra: Record<string, string> = {}) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...search, ...extra })) if (v) params.set(k, v);
  return params;
};

/**
 * The page in the URL: `page` (1, 2, …) and the opaque `cursor` of that page. The cursors met on
 * the way are kept per search in sessionStorage, so Previous works after a reload too.
 */
export function pageFromUrl(): { page: number; cursor?: string } {
  const params = new URLSearchParams(location.search);
  const page = Math.max(1, Math.floor(Number(params.get('page') ?? '1')) || 1);
  const cursor = params.get('cursor') ?? undefined;
  return page > 1 && cursor ? { page, cursor } : { page: 1 };
}

const cursorsKey = (search: Search) => `cursors:${searchQuery(search).toString()}`;

/** The URL of page `page` of this search (remembering `cursor` for it when given). */
export function pageUrl(base: string, search: Search, page: number, cursor?: string): string {
  const remembered = JSON.parse(sessionStorage.getItem(cursorsKey(search)) ?? '{}') as Record<string, string>;
  if (cursor) sessionStorage.setItem(cursorsKey(search), JSON.stringify({ ...remembered, [page]: cursor }));
  const at = page > 1 ? (cursor ?? remembered[page]) : undefined;
  const query = searchQuery(search, at ? { page: String(page), cursor: at } : {});
  return `${base}${query.size ? `?${query}` : ''}`;
}

/** The same search sorted by `key`: ascending first, the other way on a second click. */
export function sortedBy(search: Search, key: SortKey): Search {
  const current = search.sort ?? 'no';
  const order = current === key ? ((search.order ?? 'desc') === 'asc' ? 'desc' : 'asc') : 'asc';
  return { ...search, sort: key, order };
}
