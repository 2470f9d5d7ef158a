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
  /**
   * The parts that do not exist (MS1 holds no number for them, or their service has no such
   * record), e.g. the part a rolled-back registration never made or removed: nothing to retry.
   */
  absent: ('inetaplca' | 'intelnet')[];
  partial: boolean;
}

type PartName = ComposedContract['absent'][number];

const codeOf = (err: unknown) => (err instanceof AppError ? err.code : 'INTERNAL');

/**
 * One screen query from three services: MS1 first (it holds the other two numbers), then MS2 and
 * MS3 in parallel, all inside one time budget. MS1 failing fails the whole view; MS2 or MS3
 * failing leaves that part null with its error code (`partial: true`); a part that does not exist
 * is null and `absent`, not an error.
 */
export async function composeContract(upstreams: ContractUpstreams, no: number, ctx: CallContext, budgetMs: number): Promise<ComposedContract> {
  const signal = AbortSignal.timeout(budgetMs);
  const call = { ...ctx, signal };
  const ppon = await upstreams.ppon.getJson<ContractRow>(`/cont/${no}`, call);
  const part = (upstream: ContractUpstreams['inetaplca'], partNo: number | null | undefined) =>
    partNo ? upstream.getJson<ContractRow>(`/cont/${partNo}`, call) : Promise.resolve(null);
  const settled = await Promise.allSettled([part(upstreams.inetaplca, ppon.saInetaplcaContNo), part(upstreams.intelnet, ppon.saIntelnetContNo)]);
  const rows: Pick<ComposedContract, 'inetaplca' | 'intelnet'> = { inetaplca: null, intelnet: null };
  const errors: ComposedContract['errors'] = {};
  const absent: PartName[] = [];
  (['inetaplca', 'intelnet'] as const).forEach((name, i) => {
    const result = settled[i];
    if (result.status === 'fulfilled') rows[name] = result.value;
    const code = result.status === 'rejected' ? codeOf(result.reason) : undefined;
    if (code === 'NOT_FOUND' || (result.status === 'fulfilled' && result.value === null)) absent.push(name);
    else if (code) errors[name] = code;
  });
  return { ppon, ...rows, errors, absent, partial: Object.keys(errors).length > 0 };
}
