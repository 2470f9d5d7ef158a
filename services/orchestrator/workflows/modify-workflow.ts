import type { SagaWorkflow } from './saga-workflow';

/**
 * Modification: MS1 writes its history row and updates its row (START) → MS2, then MS3, write
 * history and update → END. Undone in reverse: MS3, MS2 (by globalNo), then MS1, each restoring
 * its row from the history row its PREV_…_HST_NO names.
 */
export const modifyWorkflow: SagaWorkflow = {
  kind: 'amd',
  local: {
    action: 'modify',
    apply: async (w, { values, meta, saPponContNo }) => ({ saPponContNo: saPponContNo as number, before: (await w.modify(saPponContNo as number, values, meta)).before }),
    undo: 'modify-compensation',
    compensate: (w, saga) => w.restoreFromHistory(saga.saPponContNo, saga.globalNo),
  },
  steps: [
    {
      participant: 'inetaplca',
      action: 'modify',
      input: (s) => ({ ...s.fields, saPponContNo: s.saPponContNo, saInetaplcaContNo: s.saInetaplcaContNo }),
      undo: 'modify-compensation',
    },
    {
      participant: 'intelnet',
      action: 'modify',
      input: (s) => ({ ...s.fields, saPponContNo: s.saPponContNo, saIntelnetContNo: s.saIntelnetContNo, compensateYn: s.compensateYn }),
      undo: 'modify-compensation',
    },
  ],
};
