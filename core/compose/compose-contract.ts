import { AppError } from '../../lib/errors/app-error';
import type { CallContext } from './create-upstream';
import type { ContractUpstreams } from './contract-upstreams';

export type ContractRow = Record<string, unknown> & {
  saPponContNo: number;
  saInetaplcaContNo?: number | null;
  saIntelnetContNo?: number | null;
  transacSttus?: string;
  delYn?: string;
};

export interface ComposedContract {
  ppon: ContractRow;
  inetaplca: ContractRow | null;
  intelnet: ContractRow | null;
  /** Per part that could not be read: its error code. */
  errors: Partial<Record<'inetaplca' | 'intelnet', string>>;
  partial: boolean;
}

const codeOf = (err: unknown) => (err instanceof AppError ? err.code : 'INTERNAL');

/**
 * One screen query from three services: MS1 first (it holds the other two numbers), then MS2 and
 * MS3 in parallel, all inside one time budget. MS1 failing fails the whole view; MS2 or MS3
 * failing leaves that part null with its error code (`partial: true`).
 */
export async function composeContract(upstreams: ContractUpstreams, no: number, ctx: CallContext, budgetMs: number): Promise<ComposedContract> {
  const signal = AbortSignal.timeout(budgetMs);
  const call = { ...ctx, signal };
  const ppon = await upstreams.ppon.getJson<ContractRow>(`/cont/${no}`, call);
  const part = (upstream: ContractUpstreams['inetaplca'], partNo: number | null | undefined) =>
    partNo ? upstream.getJson<ContractRow>(`/cont/${partNo}`, call) : Promise.resolve(null);
  const [inetaplca, intelnet] = await Promise.allSettled([part(upstreams.inetaplca, ppon.saInetaplcaContNo), part(upstreams.intelnet, ppon.saIntelnetContNo)]);
  const errors: ComposedContract['errors'] = {};
  if (inetaplca.status === 'rejected') errors.inetaplca = codeOf(inetaplca.reason);
  if (intelnet.status === 'rejected') errors.intelnet = codeOf(intelnet.reason);
  return {
    ppon,
    inetaplca: inetaplca.status === 'fulfilled' ? inetaplca.value : null,
    intelnet: intelnet.status === 'fulfilled' ? intelnet.value : null,
    errors,
    partial: Object.keys(errors).length > 0,
  };
}
