import type { ComposedContract, ContractRow } from './compose-contract';

type Source = 'ppon' | 'inetaplca' | 'intelnet';

/** A row of the contract view as its HTTP API answers it (services/contract-view). */
export interface ViewContract {
  saPponContNo: number;
  versions: Record<Source, number | null>;
  ppon: ContractRow | null;
  inetaplca: ContractRow | null;
  intelnet: ContractRow | null;
}

export interface ViewPage {
  items: ViewContract[];
  size: number;
  total: number;
  nextCursor: string | null;
}

/** A view row in the shape the screens' views already take (nothing failed: the view answered it whole). */
export function composedOf(row: ViewContract): ComposedContract {
  const absent = (['inetaplca', 'intelnet'] as const).filter((part) => !row[part]);
  return { ppon: row.ppon ?? { saPponContNo: row.saPponContNo }, inetaplca: row.inetaplca, intelnet: row.intelnet, errors: {}, absent, partial: false };
}

/**
 * Whether the view is behind for this contract: it lacks it, or a live row has a higher change
 * number (`chgNo`) than the version the view holds. null when the view could not be asked.
 */
export function viewBehind(live: ComposedContract, held: { status: number; body: ViewContract } | undefined): boolean | null {
  if (!held || (held.status !== 200 && held.status !== 404)) return null;
  if (held.status === 404) return true;
  const version = (row: ContractRow | null) => (row ? Number(row.chgNo ?? 0) : -1);
  return (['ppon', 'inetaplca', 'intelnet'] as const).some((source) => live[source] !== null && version(live[source]) > (held.body.versions[source] ?? -1));
}
