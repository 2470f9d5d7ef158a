import { useApiGet } from '../shared/use-api-get';
import type { ContractState, LastChange } from '../shared/contract-state';
import { useT } from '../shared/i18n';
import { problemText } from '../shared/problem-text';
import { useSession } from '../shared/session';

/** A contract as the mobile BFF sends it: a card (lists), with its parts and current values (detail). */
export interface Card {
  no: number;
  contractor: string | null;
  serviceNumber: string | null;
  status: string;
  partial: boolean;
  contractState?: ContractState;
  lastChange?: LastChange | null;
}
export interface DetailCard extends Card {
  madeBy?: string | null;
  payer?: string | null;
  cardNo?: string | null;
  seller?: string | null;
  viewBehind?: boolean | null;
  parts?: Record<'ppon' | 'inetaplca' | 'intelnet', { no: number | null; state: string | null; error?: string | null }>;
}

const LAST_CHANGE_OF_STATUS: Record<string, LastChange['outcome']> = { 'in-progress': 'IN_PROGRESS', cancelled: 'ROLLED_BACK' };

/** The contract's state and last change: the BFF's when sent, else from the card's combined status. */
export function cardState(c: Card): { contractState: ContractState; lastChange: LastChange | null } {
  if (c.contractState) return { contractState: c.contractState, lastChange: c.lastChange ?? null };
  const outcome = LAST_CHANGE_OF_STATUS[c.status];
  return { contractState: c.status === 'deleted' ? 'TERMINATED' : 'ACTIVE', lastChange: outcome ? { kind: 'MODIFY', outcome } : null };
}

export function useCard(no: number) {
  const t = useT();
  const { data: card, error, reload } = useApiGet<DetailCard>(`/api/contracts/${no}`);
  return { card, error: error ? problemText(t, error) : null, reload };
}

/** A supervisor or operator may change any contract, an agent the ones they made. */
export function useCanModify(card: DetailCard | null) {
  const { can, user } = useSession();
  if (!card || cardState(card).contractState === 'TERMINATED') return false;
  return can.modifyAny || (can.modifyOwn && (card.madeBy === undefined || [user.sub, user.claims.preferred_username].includes(card.madeBy)));
}
