/** The contract list's search as the screens keep it in the URL (issue 12: the BFF reads the contract view). */
export const SEARCH_KEYS = ['contr', 'payr', 'svcNo', 'cardNo', 'state', 'from', 'to', 'sort', 'order'] as const;
export type SearchKey = (typeof SEARCH_KEYS)[number];
export type Search = Partial<Record<SearchKey, string>>;
export const SORTS = ['no', 'contr', 'payr', 'svcNo', 'cardNo', 'mkeDate', 'amdDate', 'state'] as const;
export const STATES = ['START', 'END', 'CANCEL'] as const;

/** The search in the current URL (`q`, the earlier contractor search, is read as `contr`). */
export function searchFromUrl(): Search {
  const params = new URLSearchParams(location.search);
  const search: Search = {};
  for (const key of SEARCH_KEYS) {
    const value = params.get(key)?.trim();
    if (value) search[key] = value;
  }
  const q = params.get('q')?.trim();
  if (q && !search.contr) search.contr = q;
  return search;
}

export const searchQuery = (search: Search, extra: Record<string, string> = {}) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...search, ...extra })) if (v) params.set(k, v);
  return params;
};
