import type { ComposedContract } from './compose-contract';

/**
 * A contract's history as the BFF reads it: MS1's `entries` (lib/contracts/history-entries.ts) and
 * each service's history rows (null: that part could not be read).
 */
export interface ContractHistory {
  saPponContNo: number;
  partial: boolean;
  entries: unknown[];
  ppon: unknown[] | null;
  inetaplca: unknown[] | null;
  intelnet: unknown[] | null;
}

/** How an app shapes a composed contract for its screens. */
export interface ContractView {
  /** Which app's shapes (their schemas: core/compose/contract-view-schemas.ts). */
  app: 'pc' | 'mobile';
  detail(c: ComposedContract): Record<string, unknown>;
  listItem(c: ComposedContract): Record<string, unknown>;
  /**
   * Whether the history shows the three services' own history rows beside MS1's entries. Without
   * them only MS1 is asked, and MS1 failing is the answer's error (there is nothing else to show).
   */
  historyRows: boolean;
  history(h: ContractHistory): Record<string, unknown>;
}

/** PC grids: every column of every part, named after the services, with each part's status. */
export const pcContractView: ContractView = {
  app: 'pc',
  detail: (c) => ({ saPponContNo: c.ppon.saPponContNo, partial: c.partial, errors: c.errors, absent: c.absent, ppon: c.ppon, inetaplca: c.inetaplca, intelnet: c.intelnet }),
  listItem: (c) => pcContractView.detail(c),
  historyRows: true,
  history: (h) => ({ ...h }),
};

/**
 * One status a phone screen can show: the worst of the three parts. A rolled-back modification
 * (CANCEL on a row that is not deleted) left the contract as it was: active, not cancelled; the
 * outcome of that change is `lastChange` (lib/contracts/contract-state.ts).
 */
export function combinedStatus(c: ComposedContract): 'deleted' | 'in-progress' | 'cancelled' | 'incomplete' | 'active' {
  const parts = [c.ppon, c.inetaplca, c.intelnet].filter((p) => p !== null);
  if (c.ppon.delYn === 'Y') return 'deleted';
  if (parts.some((p) => p.transacSttus === 'START')) return 'in-progress';
  if (c.partial || !c.inetaplca || !c.intelnet) return 'incomplete';
  return 'active';
}

const card = (c: ComposedContract) => ({
  no: c.ppon.saPponContNo,
  contractor: c.ppon.contr ?? null,
  serviceNumber: c.ppon.svcNo ?? null,
  status: combinedStatus(c),
  partial: c.partial,
});
/** A part on a phone: its number and state; else why there is none: it does not exist (`absent`) or could not be read (`error`). */
const part = (c: ComposedContract, name: 'inetaplca' | 'intelnet', no: unknown) => {
  const row = c[name];
  if (row) return { no: no ?? null, state: row.transacSttus ?? null };
  return c.absent.includes(name) ? { no: null, state: null, absent: true } : { no: no ?? null, state: null, error: c.errors[name] ?? null };
};

/**
 * Mobile cards: number, contractor, service number, one combined status; the detail card adds payer, card, seller, each part's state and its maker;
 * the history is MS1's entries alone.
 */
export const mobileContractView: ContractView = {
  app: 'mobile',
  detail: (c) => ({
    ...card(c),
    madeBy: c.ppon.mkerId ?? null,
    // The modify form's current values (the card as the services gave it: masked but for operators and supervisors).
    payer: c.ppon.payr ?? null,
    cardNo: c.ppon.cardNo ?? null,
    seller: c.ppon.saler ?? null,
    parts: {
      ppon: { no: c.ppon.saPponContNo, state: c.ppon.transacSttus ?? null },
      inetaplca: part(c, 'inetaplca', c.ppon.saInetaplcaContNo),
      intelnet: part(c, 'intelnet', c.ppon.saIntelnetContNo),
    },
  }),
  listItem: card,
  // What changed, when, by whom, in which saga: MS1's entries alone (the rows are the PC's grids).
  historyRows: false,
  history: (h) => ({ no: h.saPponContNo, entries: h.entries }),
};
