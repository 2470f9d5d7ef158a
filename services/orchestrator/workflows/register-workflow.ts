import type { SagaWorkflow } from './saga-workflow';

/**
 * Registration: MS1 inserts its row (START) → MS2 registers, MS1 keeps its number → MS3 registers,
 * MS1 keeps its number → END. Undone in reverse: MS3, MS2 (by globalNo), then MS1 deletes its row.
 */
export const registerWorkflow: SagaWorkflow = {
  kind: 'reg',
  local: {
    action: 'register',
    apply: async (w, { values, meta }) => ({ saPponContNo: await w.insert(values, {}, meta) }),
    undo: 'register-cancel',
    compensate: (w, saga) => w.cancelRegistration(saga.saPponContNo, saga.globalNo),
  },
  steps: [
    {
      participant: 'inetaplca',
      action: 'register',
      input: (s) => ({ ...s.fields, saPponContNo: s.saPponContNo }),
      remember: 'saInetaplcaContNo',
      undo: 'register-compensation',
    },
    {
      participant: 'intelnet',
      action: 'register',
      input: (s) => ({ ...s.fields, saPponContNo: s.saPponContNo, saInetaplcaContNo: s.saInetaplcaContNo, compensateYn: s.compensateYn }),
      remember: 'saIntelnetContNo',
      undo: 'register-compensation',
    },
  ],
};
