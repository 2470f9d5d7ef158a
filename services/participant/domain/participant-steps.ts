import { AppError } from '../../../lib/errors/app-error';
import type { CompensationOutcome, ContractStore, ContractValues, ContractWriter } from '../../platform/contracts/contract-store';
import type { SagaGuard } from '../guard/saga-guard';

export interface ParticipantSteps {
  /**
   * A saga's forward step here (register or modify), committed as END at once. A repeat answers
   * the same contract; a step arriving after its saga's compensation is refused (409, the guard);
   * the drill (`compensateYn: "Y"` at the service that plays the last step) is refused on purpose.
   */
  apply(w: ContractWriter, step: { action: 'register' | 'modify'; globalNo: string; values: ContractValues; saPponContNo: number; ownNo?: number | null; compensateYn?: 'Y' | 'N' }): Promise<number>;
  /**
   * Undoes saga `globalNo`'s step here, found by globalNo (MS1 may never have learnt our number);
   * nothing applied yet: a tombstone. `namedNo`: the contract a direct HTTP caller named; if that
   * one cannot be compensated it throws GuardRefusal, and the caller's transaction must roll back.
   */
  /** Whether `compensateYn` makes this service's step fail on purpose (the drill wins over an injected fault). */
  isDrill(compensateYn: 'Y' | 'N' | undefined): boolean;
  compensate(w: ContractWriter, step: { action: 'register' | 'modify'; globalNo: string; namedNo?: number }): Promise<{ outcome: CompensationOutcome; no: number | null }>;
}

/**
 * What a participant does for a saga, the same whether the request came over HTTP
 * (`participant/entry-points/participant-routes.ts`) or the bus (`participant-events.ts`).
 */
export function createParticipantSteps(store: ContractStore, guard: SagaGuard, options: { drill: boolean; drillsAllowed: boolean }): ParticipantSteps {
  const t = store.table;
  const isDrill = (compensateYn: 'Y' | 'N' | undefined) => options.drill && compensateYn === 'Y';
  return {
    isDrill,
    apply: async (w, step) => {
      if (isDrill(step.compensateYn)) throw new AppError(options.drillsAllowed ? 'DRILL_FAILURE' : 'DRILL_NOT_ALLOWED');
      const meta = { transacNo: step.globalNo, transacSttus: 'END' as const };
      if (step.action === 'register') {
        // A participant's cross keys name MS1's contract.
        const cross = Object.fromEntries(t.crossKeys.map((k) => [k, step.saPponContNo]));
        return guard.forward(w, step.globalNo, () => w.insert(step.values, cross, meta));
      }
      const no = step.ownNo;
      if (!no) throw new AppError('VALIDATION_FAILED', 'the event names no contract to modify');
      return guard.forward(
        w,
        step.globalNo,
        async () => {
          await w.modify(no, step.values, meta);
          return no;
        },
        no,
      );
    },
    compensate: async (w, step) => {
      const apply = step.action === 'register' ? 'cancelRegistration' : 'restoreFromHistory';
      return guard.compensate(w, step.globalNo, apply, step.namedNo);
    },
  };
}
