/**
 * The contract's own state, apart from the outcome of its last change (docs/contracts.md): a
 * modification that was rolled back leaves an ACTIVE contract whose last change is ROLLED_BACK; a
 * rolled-back registration leaves no contract (TERMINATED).
 */
export type ContractState = 'ACTIVE' | 'TERMINATED';
export type ChangeKind = 'REGISTER' | 'MODIFY';
export type ChangeOutcome = 'IN_PROGRESS' | 'DONE' | 'ROLLED_BACK';

export interface LastChange {
  kind: ChangeKind;
  outcome: ChangeOutcome;
  /** Why it was rolled back, when known (an error code of lib/errors/catalog.ts, or STEP_FAILED). */
  reasonCode?: string;
  globalNo: string | null;
  at: string | null;
}

/** A service row as JSON (camelCase): DEL_YN, TRANSAC_NO, TRANSAC_STTUS, MKE/AMD_DATE and PREV_…_HST_NO. */
type Row = Record<string, unknown>;

const OUTCOMES: Record<string, ChangeOutcome> = { START: 'IN_PROGRESS', COMPENSATING: 'IN_PROGRESS', END: 'DONE', CANCEL: 'ROLLED_BACK' };

export const contractStateOf = (row: Row): ContractState => (row.delYn === 'Y' ? 'TERMINATED' : 'ACTIVE');

/** A modification names the history row it can be restored from (PREV_…_HST_NO); a registration does not. */
export function lastChangeOf(row: Row, reasonCode?: string): LastChange {
  const modified = Object.entries(row).some(([k, v]) => /^prevSa\w+ContHstNo$/.test(k) && v !== null && v !== undefined);
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  const outcome = OUTCOMES[String(row.transacSttus)] ?? 'DONE';
  return {
    kind: modified ? 'MODIFY' : 'REGISTER',
    outcome,
    ...(outcome === 'ROLLED_BACK' && reasonCode ? { reasonCode } : {}),
    globalNo: str(row.transacNo),
    at: str(modified ? row.amdDate : row.mkeDate) ?? str(row.amdDate) ?? str(row.mkeDate),
  };
}

/** Both, as members to spread into an answer. */
export const stateMembers = (row: Row, reasonCode?: string) => ({ contractState: contractStateOf(row), lastChange: lastChangeOf(row, reasonCode) });
