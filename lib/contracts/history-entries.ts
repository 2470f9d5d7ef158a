import { contractFieldRules } from './contract-rules';
import { lastChangeOf, type ChangeKind, type ChangeOutcome } from './contract-state';

export interface HistoryEntry {
  at: string | null;
  /** Who made the change; null for a rolled-back modification (the restore brings back the previous amender). */
  author: { id: string; name: string | null } | null;
  globalNo: string | null;
  kind: ChangeKind;
  outcome: ChangeOutcome;
  changes: { field: string; before: unknown; after: unknown }[];
}

type Row = Record<string, unknown>;
const FIELDS = Object.keys(contractFieldRules);

/**
 * A contract's changes, newest first, from its history rows (each the contract as it was before a
 * modification, oldest first) and its current row: each state compared with the one before it.
 * `show` shapes a value for the reader (card numbers masked).
 */
export function historyEntries(history: Row[], current: Row, show: (field: string, value: unknown) => unknown = (_f, v) => v): HistoryEntry[] {
  const states = [...history, current];
  const entries: HistoryEntry[] = states.map((state, i) => {
    const change = lastChangeOf(i === 0 ? { ...state, ...nulledPrev(state) } : state);
    const kind: ChangeKind = i === 0 ? 'REGISTER' : 'MODIFY';
    const [id, name] = kind === 'REGISTER' ? [state.mkerId, state.mkerNm] : [state.amdrId, state.amdrNm];
    const before = i === 0 ? undefined : states[i - 1];
    return {
      at: str(kind === 'REGISTER' ? state.mkeDate : state.amdDate),
      author: typeof id === 'string' && id !== '' && !(kind === 'MODIFY' && change.outcome === 'ROLLED_BACK') ? { id, name: str(name) } : null,
      globalNo: str(state.transacNo),
      kind,
      outcome: change.outcome,
      changes: before ? FIELDS.filter((f) => (before[f] ?? null) !== (state[f] ?? null)).map((f) => ({ field: f, before: show(f, before[f] ?? null), after: show(f, state[f] ?? null) })) : [],
    };
  });
  return entries.reverse();
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
/** The first state is the registration's, whatever its row says about later modifications. */
const nulledPrev = (row: Row) => Object.fromEntries(Object.keys(row).filter((k) => /^prevSa\w+ContHstNo$/.test(k)).map((k) => [k, null]));
