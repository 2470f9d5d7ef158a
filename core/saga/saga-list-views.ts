import { z } from 'zod';

const str = z.string();
const kind = z.enum(['reg', 'amd']);
const state = z.enum(['START', 'COMPENSATING', 'END', 'CANCEL']);

/** One saga of MS1's list (services/orchestrator/saga-log/saga-list.ts), as the BFF reads it. */
export interface Ms1SagaItem {
  globalNo: string;
  saPponContNo: number;
  kind: 'reg' | 'amd';
  mode: 'api' | 'event';
  state: 'START' | 'COMPENSATING' | 'END' | 'CANCEL';
  startedAt: string;
  endedAt: string | null;
  messageCode: string | null;
}

const pcItem = z
  .object({
    globalNo: str,
    kind,
    mode: z.enum(['api', 'event']),
    state,
    saPponContNo: z.number().int(),
    startedAt: str,
    endedAt: str.nullable(),
    messageCode: str.nullable().meta({ description: 'why it failed, an error code the screen translates (never the English detail); null while START and when END' }),
  })
  .meta({ id: 'PcSagaListItem' });
const mobileItem = z.object({ globalNo: str, kind, state, no: z.number().int(), startedAt: str }).meta({ id: 'MobileSagaListItem' });
const page = (item: z.ZodType, id: string) =>
  z.object({ items: z.array(item).meta({ description: 'newest first' }), nextCursor: str.nullable().meta({ description: 'opaque; pass as `cursor` with the same filters for the next (older) page; null: last page' }) }).meta({ id });

/**
 * The saga list per app: the PC's grid shows every column; the mobile card only what a phone
 * shows (no mode, end time or reason). Neither carries MS1's English detail, its attempts or who
 * started it.
 */
export const sagaListViews: Record<'pc' | 'mobile', { page: z.ZodType; item: (s: Ms1SagaItem) => Record<string, unknown> }> = {
  pc: { page: page(pcItem, 'PcSagaPage'), item: (s: Ms1SagaItem): z.infer<typeof pcItem> => ({ globalNo: s.globalNo, kind: s.kind, mode: s.mode, state: s.state, saPponContNo: s.saPponContNo, startedAt: s.startedAt, endedAt: s.endedAt, messageCode: s.messageCode }) },
  mobile: { page: page(mobileItem, 'MobileSagaPage'), item: (s: Ms1SagaItem): z.infer<typeof mobileItem> => ({ globalNo: s.globalNo, kind: s.kind, state: s.state, no: s.saPponContNo, startedAt: s.startedAt }) },
};
