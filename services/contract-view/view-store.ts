import { sql, type Transaction } from 'kysely';
import type { AnyDb, ServiceDatabase } from '../platform/db/create-database';
import type { ContractChanged, ContractSource } from '../platform/events/contract-change-events';
import { queryHash, viewCursor } from './view-cursor';
import { maskCardsIn } from '../../lib/contracts/mask-card';
import { stateMembers, type ContractState, type LastChange } from '../../lib/contracts/contract-state';

export const SORT_KEYS = { no: 'SA_PPON_CONT_NO', contr: 'CONTR', payr: 'PAYR', svcNo: 'SVC_NO', cardNo: 'CARD_NO', mkeDate: 'MKE_DATE', amdDate: 'AMD_DATE', state: 'STATE' } as const;
export type SortKey = keyof typeof SORT_KEYS;
export const VIEW_STATES = ['START', 'END', 'CANCEL'] as const;

export interface ViewQuery {
  size: number;
  sort: SortKey;
  order: 'asc' | 'desc';
  cursor?: string;
  /** Any part of the name. */
  contr?: string;
  payr?: string;
  /** Any run of the digits (dashes ignored). */
  svcNo?: string;
  /** The last four digits (the view holds cards masked). */
  cardNo?: string;
  state?: (typeof VIEW_STATES)[number];
  /** Registration time (MKE_DATE, ISO-8601): from inclusive, to exclusive. */
  from?: string;
  to?: string;
  includeDeleted: boolean;
  /** "My contracts": only rows this MKER_ID registered. */
  mkerId?: string;
}

export interface ViewContract {
  saPponContNo: number;
  contr: string;
  payr: string;
  svcNo: string;
  cardNo: string;
  mkerId: string;
  mkeDate: string;
  amdDate: string;
  delYn: string;
  /** The last saga's globalNo and state, as MS1's row says (START while it runs or compensates). */
  globalNo: string;
  state: string;
  /** The contract's own state, and its last change's outcome (lib/contracts/contract-state.ts). */
  contractState: ContractState;
  lastChange: LastChange;
  saInetaplcaContNo: number | null;
  saIntelnetContNo: number | null;
  /** Per source, the change number (`CHG_NO`) of the row held here; null: not seen yet. */
  versions: Record<ContractSource, number | null>;
  ppon: Record<string, unknown> | null;
  inetaplca: Record<string, unknown> | null;
  intelnet: Record<string, unknown> | null;
}

export type ApplyOutcome = 'applied' | 'stale';

export interface ContractViewStore {
  /** Applies one source's row if it is newer than what the view holds for that source; otherwise nothing changes. */
  apply(change: ContractChanged): Promise<ApplyOutcome>;
  find(no: number): Promise<ViewContract | undefined>;
  search(query: ViewQuery): Promise<{ items: ViewContract[]; total: number; nextCursor: string | null }>;
  /** Every row (rebuild checks). */
  all(): Promise<ViewContract[]>;
  clear(): Promise<void>;
}

const PREFIX = { ppon: 'PPON', inetaplca: 'INETAPLCA', intelnet: 'INTELNET' } as const;
const text = (v: unknown, max = 200) => String((v as string | number | null | undefined) ?? '').slice(0, max);
const numberOrNull = (v: unknown) => (v === null || v === undefined || v === '' ? null : Number(v));
/** LIKE '%part%' with the part's own % and _ taken literally (escape '!' works on both engines). */
const escapeLike = (v: string) => v.replace(/[!%_]/g, (c) => `!${c}`);
const likeContaining = (v: string) => `%${escapeLike(v)}%`;
const digitsOf = (v: unknown) => String((v as string | number | null | undefined) ?? '').replace(/\D/g, '');

const likeSuffix = (v: string) => `%${escapeLike(v)}`;

/** What a source's row sets in the view's row: MS1's fields are the contract's; a participant's row is its part. */
function columnsOf(change: ContractChanged): Record<string, unknown> {
  const p = PREFIX[change.source];
  // The read model holds card numbers masked only (lib/contracts/mask-card.ts): it answers every reader alike.
  // A rebuild reads the services' answers, which add the derived contractState and lastChange: not the row's, dropped.
  const { contractState: _state, lastChange: _change, ...r } = maskCardsIn(change.row);
  const own = { [`${p}_VERSION`]: change.version, [`${p}_ROW`]: JSON.stringify(r) };
  if (change.source !== 'ppon') return own;
  return {
    ...own,
    CONTR: text(r.contr),
    PAYR: text(r.payr),
    SVC_NO: text(r.svcNo),
    SVC_DIGITS: digitsOf(r.svcNo).slice(0, 40),
    CARD_NO: text(r.cardNo),
    MKER_ID: text(r.mkerId),
    MKE_DATE: text(r.mkeDate),
    AMD_DATE: text(r.amdDate),
    DEL_YN: text(r.delYn) || 'N',
    GLOBAL_NO: text(r.transacNo),
    STATE: text(r.transacSttus),
    SA_INETAPLCA_CONT_NO: numberOrNull(r.saInetaplcaContNo),
    SA_INTELNET_CONT_NO: numberOrNull(r.saIntelnetContNo),
  };
}

function toViewContract(r: Record<string, unknown>): ViewContract {
  const json = (v: unknown) => (typeof v === 'string' && v ? (JSON.parse(v) as Record<string, unknown>) : null);
  const ppon = json(r.PPON_ROW);
  return {
    ...stateMembers(ppon ?? {}),
    saPponContNo: Number(r.SA_PPON_CONT_NO),
    contr: text(r.CONTR),
    payr: text(r.PAYR),
    svcNo: text(r.SVC_NO),
    cardNo: text(r.CARD_NO),
    mkerId: text(r.MKER_ID),
    mkeDate: text(r.MKE_DATE),
    amdDate: text(r.AMD_DATE),
    delYn: text(r.DEL_YN),
    globalNo: text(r.GLOBAL_NO),
    state: text(r.STATE),
    saInetaplcaContNo: numberOrNull(r.SA_INETAPLCA_CONT_NO),
    saIntelnetContNo: numberOrNull(r.SA_INTELNET_CONT_NO),
    versions: { ppon: numberOrNull(r.PPON_VERSION), inetaplca: numberOrNull(r.INETAPLCA_VERSION), intelnet: numberOrNull(r.INTELNET_VERSION) },
    ppon,
    inetaplca: json(r.INETAPLCA_ROW),
    intelnet: json(r.INTELNET_ROW),
  };
}

export function createContractViewStore(database: ServiceDatabase): ContractViewStore {
  const { db } = database;
  const T = 'SA_CONTRACT_VIEW';

  const applyIn = async (trx: Transaction<AnyDb>, change: ContractChanged): Promise<ApplyOutcome> => {
    const versionColumn = `${PREFIX[change.source]}_VERSION`;
    let read = trx.selectFrom(T).select(['SA_PPON_CONT_NO', versionColumn]).where('SA_PPON_CONT_NO', '=', change.saPponContNo);
    if (database.kind === 'mariadb') read = read.forUpdate();
    const existing = await read.executeTakeFirst();
    if (!existing) {
      // Two consumers inserting the same new row: one fails on the key, is redelivered, and then compares versions.
      await trx.insertInto(T).values({ SA_PPON_CONT_NO: change.saPponContNo, ...columnsOf(change) }).execute();
      return 'applied';
    }
    const held = numberOrNull(existing[versionColumn]);
    if (held !== null && held >= change.version) return 'stale';
    await trx.updateTable(T).set(columnsOf(change)).where('SA_PPON_CONT_NO', '=', change.saPponContNo).execute();
    return 'applied';
  };

  const filtered = (query: Omit<ViewQuery, 'size' | 'sort' | 'order' | 'cursor'>) => {
    let q = db.selectFrom(T).where('PPON_ROW', 'is not', null);
    if (!query.includeDeleted) q = q.where('DEL_YN', '=', 'N');
    // Any part of a name, any run of a service number's digits: a scan of the rows the other filters leave (docs/contracts.md, "Search").
    if (query.contr) q = q.where(sql<boolean>`${sql.ref('CONTR')} like ${likeContaining(query.contr)} escape '!'`);
    if (query.payr) q = q.where(sql<boolean>`${sql.ref('PAYR')} like ${likeContaining(query.payr)} escape '!'`);
    if (query.svcNo) q = q.where(sql<boolean>`${sql.ref('SVC_DIGITS')} like ${likeContaining(digitsOf(query.svcNo))} escape '!'`);
    // The view holds masked numbers: a card is found by its last four digits (a suffix match, see docs/contracts.md).
    if (query.cardNo) q = q.where(sql<boolean>`${sql.ref('CARD_NO')} like ${likeSuffix(query.cardNo.replace(/\D/g, '').slice(-4) || query.cardNo)} escape '!'`);
    if (query.state) q = q.where('STATE', '=', query.state);
    if (query.from) q = q.where('MKE_DATE', '>=', query.from);
    if (query.to) q = q.where('MKE_DATE', '<', query.to);
    if (query.mkerId !== undefined) q = q.where('MKER_ID', '=', query.mkerId);
    return q;
  };

  return {
    // The services' transaction: a deadlock between two consumers' applies runs it again at once.
    apply: (change) => database.transaction((trx) => applyIn(trx, change)),
    find: async (no) => {
      const row = await db.selectFrom(T).selectAll().where('SA_PPON_CONT_NO', '=', no).where('PPON_ROW', 'is not', null).executeTakeFirst();
      return row && toViewContract(row);
    },
    search: async (query) => {
      const { size, sort, order, cursor, ...filters } = query;
      const hash = queryHash({ ...filters, sort, order });
      const column = SORT_KEYS[sort];
      const base = filtered(filters);
      let page = base.selectAll();
      if (cursor) {
        const at = viewCursor.decode(cursor, hash);
        const op = order === 'asc' ? '>' : '<';
        page =
          sort === 'no'
            ? page.where('SA_PPON_CONT_NO', op, Number(at.value))
            : page.where((eb) => eb.or([eb(column, op, String(at.value)), eb.and([eb(column, '=', String(at.value)), eb('SA_PPON_CONT_NO', op, at.no)])]));
      }
      if (sort !== 'no') page = page.orderBy(column, order);
      const [rows, counted] = await Promise.all([
        page.orderBy('SA_PPON_CONT_NO', order).limit(size + 1).execute(),
        base.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow(),
      ]);
      const items = (rows as Record<string, unknown>[]).slice(0, size).map(toViewContract);
      const last = rows.length > size ? (rows[size - 1] as Record<string, unknown>) : undefined;
      const nextCursor = last ? viewCursor.encode(hash, { value: sort === 'no' ? Number(last.SA_PPON_CONT_NO) : text(last[column]), no: Number(last.SA_PPON_CONT_NO) }) : null;
      return { items, total: Number((counted as { total: unknown }).total), nextCursor };
    },
    all: async () => ((await db.selectFrom(T).selectAll().orderBy('SA_PPON_CONT_NO').execute()) as Record<string, unknown>[]).map(toViewContract),
    clear: async () => {
      await db.deleteFrom(T).execute();
    },
  };
}
