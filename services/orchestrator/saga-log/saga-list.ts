import { z } from 'zod';
import { AppError } from '../../../lib/errors/app-error';
import { sagaReasonCode } from '../../../lib/contracts/saga-reason-code';
import type { ServiceDatabase } from '../../platform/db/create-database';
import type { SagaState } from './saga-state';
import { READABLE } from './saga-log';
import type { SagaKind } from '../workflows/saga-workflow';

/** One saga of the list: what a screen shows, plus what operators need to repair (attempts, next try, undo, the detail). */
export interface SagaListItem {
  globalNo: string;
  saPponContNo: number;
  kind: SagaKind;
  mode: 'api' | 'event';
  state: SagaState;
  startedAt: string;
  endedAt: string | null;
  /** Why it failed, as a catalog code (lib/contracts/saga-reason-code.ts); null while START and when END. */
  messageCode: string | null;
  /** The English detail, for operators' repairs; a screen shows `messageCode`. */
  message: string | null;
  startedBy: string | null;
  attempts: number;
  nextTryAt: string | null;
  deadlineAt: string | null;
  undo: string | null;
}

export interface SagaListFilter {
  state?: SagaState;
  kind?: SagaKind;
  /** Only the sagas this user started (everyone but operators and supervisors). */
  startedBy?: string;
  limit: number;
  /** From a previous page's `nextCursor`: the sagas started before its last one. */
  cursor?: string;
}

export interface SagaListPage {
  items: SagaListItem[];
  /** The next (older) page, or null when this is the last. */
  nextCursor: string | null;
}

const cursorSchema = z.object({ at: z.iso.datetime(), g: z.string().min(1).max(100) }).strict();

/** An opaque keyset cursor: the last item's start time and globalNo (newest first, globalNo breaking ties). */
const cursorOf = (item: SagaListItem) => Buffer.from(JSON.stringify({ at: item.startedAt, g: item.globalNo })).toString('base64url');

function readCursor(text: string): z.infer<typeof cursorSchema> {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw new AppError('VALIDATION_FAILED', 'The cursor is not one this list gave', { errors: [{ in: 'query', path: 'cursor', code: 'INVALID_FORMAT', message: 'is not a cursor of this list' }] });
  }
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/** MS1's saga list (SA_SAGA), newest first, keyset-paged, by state, kind and who started it. */
export function createSagaList(database: ServiceDatabase) {
  const { db } = database;
  return async (filter: SagaListFilter): Promise<SagaListPage> => {
    let query = db.selectFrom('SA_SAGA').select(READABLE).orderBy('STARTED_AT', 'desc').orderBy('GLOBAL_NO', 'desc').limit(filter.limit + 1);
    if (filter.state) query = query.where('STATE', '=', filter.state);
    if (filter.kind) query = query.where('KIND', '=', filter.kind);
    if (filter.startedBy !== undefined) query = query.where('STARTED_BY', '=', filter.startedBy);
    if (filter.cursor) {
      const { at, g } = readCursor(filter.cursor);
      const before = database.timestamp(new Date(at));
      query = query.where((eb) => eb.or([eb('STARTED_AT', '<', before), eb.and([eb('STARTED_AT', '=', before), eb('GLOBAL_NO', '<', g)])]));
    }
    const rows: Record<string, unknown>[] = await query.execute();
    const items = rows.slice(0, filter.limit).map(itemOf);
    return { items, nextCursor: rows.length > filter.limit ? cursorOf(items[items.length - 1]) : null };
  };
}

function itemOf(r: Record<string, unknown>): SagaListItem {
  const state = r.STATE as SagaState;
  const message = (r.MESSAGE as string | null) ?? null;
  return {
    globalNo: String(r.GLOBAL_NO),
    saPponContNo: Number(r.SA_PPON_CONT_NO),
    kind: r.KIND as SagaKind,
    mode: r.MODE as 'api' | 'event',
    state,
    startedAt: iso(r.STARTED_AT) as string,
    endedAt: iso(r.ENDED_AT),
    messageCode: state === 'CANCEL' || state === 'COMPENSATING' ? sagaReasonCode(message) : null,
    message,
    startedBy: (r.STARTED_BY as string | null) ?? null,
    attempts: Number(r.ATTEMPTS ?? 0),
    nextTryAt: iso(r.NEXT_TRY_AT),
    deadlineAt: iso(r.DEADLINE_AT),
    undo: (r.UNDO as string | null) ?? null,
  };
}
