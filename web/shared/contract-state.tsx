import { isMessageKey, useT } from './i18n';
import { useFormat } from './format';
import { textOf } from './text-of';

export type ContractState = 'ACTIVE' | 'TERMINATED';
export interface LastChange {
  kind: 'REGISTER' | 'MODIFY';
  outcome: 'IN_PROGRESS' | 'DONE' | 'ROLLED_BACK';
  reasonCode?: string;
  globalNo?: string;
  at?: string;
}

const OUTCOME_OF_SAGA: Record<string, LastChange['outcome']> = { START: 'IN_PROGRESS', END: 'DONE', CANCEL: 'ROLLED_BACK', COMPENSATING: 'IN_PROGRESS', COMPENSATION_FAILED: 'ROLLED_BACK' };

/**
 * The contract's own state and the outcome of its last change, kept apart: a rolled-back modify
 * leaves an active contract. Taken from the BFF's `contractState` / `lastChange` when it sends them,
 * else read from the phone contract's row (deleted flag, last step state).
 */
export function stateOf(source: { contractState?: string; lastChange?: LastChange | null }, row?: Record<string, unknown> | null): { contractState: ContractState; lastChange: LastChange | null } {
  if (source.contractState) return { contractState: source.contractState as ContractState, lastChange: source.lastChange ?? null };
  if (!row) return { contractState: 'ACTIVE', lastChange: null };
  const outcome = OUTCOME_OF_SAGA[textOf(row.transacSttus)];
  return {
    contractState: row.delYn === 'Y' ? 'TERMINATED' : 'ACTIVE',
    lastChange: outcome ? { kind: row.amdDate ? 'MODIFY' : 'REGISTER', outcome, at: textOf(row.amdDate ?? row.mkeDate) || undefined } : null,
  };
}

/** A reason code (`DRILL_FAILURE`, `UPSTREAM_TIMEOUT`, …) in words; an unknown one as "rolled back". */
export function useReasonText() {
  const t = useT();
  return (code?: string | null) => {
    const key = `problem.${code ?? ''}`;
    return isMessageKey(key) ? t(key) : t('problem.SAGA_CANCELLED');
  };
}

/** The contract's state badge and, beside it, its last change ("change rolled back: <reason>"). */
export function ContractStateLine({ contractState, lastChange }: { contractState: ContractState; lastChange: LastChange | null }) {
  const t = useT();
  const format = useFormat();
  const reason = useReasonText();
  const stateKey = `contractState.${contractState}`;
  return (
    <span className="state-line">
      <span className={`badge state-${contractState.toLowerCase()}`} data-contract-state={contractState}>
        {isMessageKey(stateKey) ? t(stateKey) : contractState}
      </span>
      {lastChange && (
        <span className={`last-change outcome-${lastChange.outcome.toLowerCase()}`} data-last-change={lastChange.outcome}>
          {lastChange.outcome === 'ROLLED_BACK'
            ? t('lastChangeRolledBack', { reason: reason(lastChange.reasonCode) })
            : t('lastChangeLine', { kind: t(lastChange.kind === 'MODIFY' ? 'kind.MODIFY' : 'kind.REGISTER'), outcome: t(`outcome.${lastChange.outcome}`) })}
          {lastChange.at && <span className="when"> · {format.date(lastChange.at)}</span>}
        </span>
      )}
    </span>
  );
}

/** Why a part does not exist: its registration was rolled back, or it simply was never made. */
export type AbsentPart = 'rolled-back' | 'none';
export const absentWhy = (lastChange: LastChange | null): AbsentPart => (lastChange?.kind === 'REGISTER' && lastChange.outcome === 'ROLLED_BACK' ? 'rolled-back' : 'none');

/** A part that does not exist, said as such: not a warning, nothing to try again. */
export function PartAbsent({ absent }: { absent: AbsentPart }) {
  const t = useT();
  return (
    <span className="part-absent" data-absent={absent}>
      {t(absent === 'rolled-back' ? 'partAbsentRolledBack' : 'partAbsent')}
    </span>
  );
}
