import type { ContractRow } from '../../platform/contracts/contract-store';
import type { PlanDeps, PlanInput } from '../engine/plan-input';
import type { SagaPlan } from '../engine/saga-plan';

/**
 * Modification (SPEC §3): MS1 wrote its history row and updated its row (START) → MS2 and then MS3
 * write history and update (END) → MS1 END. Compensations (see `compensator.ts`): MS3, MS2, then
 * MS1 restore their rows from the history row their PREV_…_HST_NO names, as CANCEL.
 */
export function modifyPlan(input: PlanInput & { before: ContractRow }, { participants }: PlanDeps): SagaPlan {
  const { globalNo, saPponContNo } = input;
  const saInetaplcaContNo = input.before.SA_INETAPLCA_CONT_NO;
  const saIntelnetContNo = input.before.SA_INTELNET_CONT_NO;
  return {
    kind: 'amd',
    globalNo,
    saPponContNo,
    steps: [
      {
        participant: 'inetaplca',
        action: 'modify',
        run: () => participants.inetaplca.modify(globalNo, { ...input.fields, saPponContNo, saInetaplcaContNo }),
      },
      {
        participant: 'intelnet',
        action: 'modify',
        run: () => participants.intelnet.modify(globalNo, { ...input.fields, saPponContNo, saIntelnetContNo, compensateYn: input.compensateYn }),
      },
    ],
    finish: (w) => w.set(saPponContNo, { TRANSAC_STTUS: 'END' }),
  };
}
