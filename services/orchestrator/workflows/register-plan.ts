import { contractNoIn, type PlanDeps, type PlanInput } from '../engine/plan-input';
import type { SagaPlan } from '../engine/saga-plan';

/**
 * Registration (SPEC §3): MS1 inserted its row (START) → MS2 registers, MS1 stores its number →
 * MS3 registers, MS1 stores its number → MS1 END. Compensations: see `compensator.ts`.
 */
export function registerPlan(input: PlanInput, { contracts, participants }: PlanDeps): SagaPlan {
  const { globalNo, saPponContNo } = input;
  let saInetaplcaContNo: number | undefined;
  return {
    kind: 'reg',
    globalNo,
    saPponContNo,
    steps: [
      {
        participant: 'inetaplca',
        action: 'register',
        run: () => participants.inetaplca.register(globalNo, { ...input.fields, saPponContNo }),
        onSuccess: async (reply) => {
          saInetaplcaContNo = contractNoIn(reply, 'saInetaplcaContNo');
          await contracts.write((w) => w.set(saPponContNo, { SA_INETAPLCA_CONT_NO: saInetaplcaContNo as number }));
        },
      },
      {
        participant: 'intelnet',
        action: 'register',
        run: () =>
          participants.intelnet.register(globalNo, { ...input.fields, saPponContNo, saInetaplcaContNo, compensateYn: input.compensateYn }),
        onSuccess: async (reply) => {
          const saIntelnetContNo = contractNoIn(reply, 'saIntelnetContNo');
          await contracts.write((w) => w.set(saPponContNo, { SA_INTELNET_CONT_NO: saIntelnetContNo }));
        },
      },
    ],
    finish: (w) => w.set(saPponContNo, { TRANSAC_STTUS: 'END' }),
  };
}
