import { localStep } from './local-step';
import { contractNoIn, type PlanDeps, type PlanInput } from './plan-input';
import type { SagaPlan } from './saga-plan';

/**
 * Registration (SPEC §3): MS1's row (START) → MS2 registers (END), MS1 stores its number → MS3
 * registers (END), MS1 stores its number → MS1 END. Compensation: MS2's row DEL_YN='Y' CANCEL,
 * then MS1's likewise.
 */
export function registerPlan(input: PlanInput, { contracts, participants }: PlanDeps): SagaPlan {
  const { globalNo, saPponContNo } = input;
  let saInetaplcaContNo: number | undefined;
  return {
    kind: 'reg',
    globalNo,
    saPponContNo,
    undoBegin: localStep('register-cancel', () => contracts.write((w) => w.cancelRegistration(saPponContNo, globalNo))),
    steps: [
      {
        participant: 'inetaplca',
        action: 'register',
        run: () => participants.inetaplca.register(globalNo, { ...input.fields, saPponContNo }),
        onSuccess: async (reply) => {
          saInetaplcaContNo = contractNoIn(reply, 'saInetaplcaContNo');
          await contracts.write((w) => w.set(saPponContNo, { SA_INETAPLCA_CONT_NO: saInetaplcaContNo as number }));
        },
        compensation: {
          participant: 'inetaplca',
          action: 'register-compensation',
          run: () => participants.inetaplca.compensateRegister(globalNo, { saInetaplcaContNo, saPponContNo }),
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
    finish: () => contracts.write((w) => w.set(saPponContNo, { TRANSAC_STTUS: 'END' })),
  };
}
