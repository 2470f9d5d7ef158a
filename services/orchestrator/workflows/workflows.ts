import { modifyWorkflow } from './modify-workflow';
import { registerWorkflow } from './register-workflow';
import type { SagaKind, SagaWorkflow } from './saga-workflow';

/** Every saga kind MS1 runs, by the KIND its saga log stores. */
export const workflows: Record<SagaKind, SagaWorkflow> = { reg: registerWorkflow, amd: modifyWorkflow };
