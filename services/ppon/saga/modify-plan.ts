import type { ContractRow } from '../../shared/contracts/contract-store';
import { localStep } from './local-step';
import type { PlanDeps, PlanInput } from './plan-input';
import type { SagaPlan } from './saga-plan';

/**
 * Modification (SPEC §3): MS1 wrote its history row and updated its row (START) → MS2 and then MS3
 * write history and update (END) → MS1 END. Compensation: MS2, then MS1, restore their rows from
 * the history row their PREV_…_HST_NO names, as CANCEL.
 */
export function modifyPlan(input: PlanInput & { before: ContractRow }, { contracts, participants }: PlanDeps): SagaPlan {
  const { globalNo, saPponContNo } = input;
  const saInetaplcaContNo = input.before.SA_INETAPLCA_CONT_NO;
  const saIntelnetContNo = input.before.SA_INTELNET_CONT_NO;
  return {
    kind: 'amd',
    globalNo,
    saPponContNo,
    undoBegin: localStep('modify-compensation', () => contracts.write((w) => w.restoreFromHistory(saPponContNo, globalNo))),
    steps: [
      {
        participant: 'inetaplca',
        action: 'modify',
        run: () => participants.inetaplca.modify(globalNo, { ...input.fields, saPponContNo, saInetaplcaContNo }),
        compensation: {
          participant: 'inetaplca',
          action: 'modify-compensation',
          run: () => participants.inetaplca.compensateModify(globalNo, { saInetaplcaContNo, saPponContNo }),
        },
      },
      {
        participant: 'intelnet',
        action: 'modify',
        run: () => participants.intelnet.modify(globalNo, { ...input.fields, saPponContNo, saIntelnetContNo, compensateYn: input.compensateYn }),
      },
    ],
    finish: () => contracts.write((w) => w.set(saPponContNo, { TRANSAC_STTUS: 'END' })),
  };
}
