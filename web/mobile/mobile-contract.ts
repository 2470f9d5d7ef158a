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
  /** Sent with every card (list, home, detail), so every screen words a contract's state alike. */
  contractState: ContractState;
  lastChange: LastChange | null;
}
export interface DetailCard extends Card {
  madeBy?: string | null;
  payer?: string | null;
  cardNo?: string | null;
  seller?: string | null;
  viewBehind?: boolean | null;
  /** Each part's number and state; else `absent` (it does not exist) or the `error` it could not be read with. */
  parts?: Record<'ppon' | 'inetaplca' | 'intelnet', { no: number | null; state: string | null; error?: string | null; absent?: true }>;
}

export function useCard(no: number) {
  const t = useT();
  const { data: card, error, reload } = useApiGet<DetailCard>(`/api/contracts/${no}`);
  return { card, error: error ? problemText(t, error) : null, reload };
}

/** A supervisor or operator may change any contract, an agent the ones they made. */
export function useCanModify(card: DetailCard | null) {
  const { can, user } = useSession();
  if (!card || card.contractState === 'TERMINATED') return false;
  return can.modifyAny || (can.modifyOwn && (card.madeBy === undefined || [user.sub, user.claims.preferred_username].includes(card.madeBy)));
}
