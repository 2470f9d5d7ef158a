import { sagaReasonCode } from '../../lib/contracts/saga-reason-code';
import type { CallContext } from './create-upstream';
import type { ContractUpstreams } from './contract-upstreams';

interface SagaSteps {
  steps?: { outcome?: string; error?: string | null }[];
}

/**
 * Why a saga was rolled back, as a stable code a screen can translate: the first step that did not
 * succeed, by the catalog error its message carries (e.g. DRILL_FAILURE), else UPSTREAM_TIMEOUT for
 * a step that timed out, else STEP_FAILED. Undefined when MS1's saga log cannot be read.
 */
export async function rollbackReason(upstreams: ContractUpstreams, globalNo: string, ctx: CallContext): Promise<string | undefined> {
  const saga = await upstreams.ppon.getJson<SagaSteps>(`/sagas/${encodeURIComponent(globalNo)}`, ctx).catch(() => undefined);
  const failed = saga?.steps?.find((s) => s.outcome !== 'Y');
  if (!saga) return undefined;
  if (!failed) return 'STEP_FAILED';
  return sagaReasonCode(`${failed.outcome} ${failed.error ?? ''}`);
}
