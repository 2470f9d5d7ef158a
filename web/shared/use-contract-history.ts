import { useMemo } from 'react';
import { parseInstant, useFormat } from './format';
import { isMessageKey, type Translate, useT } from './i18n';
import { textOf } from './text-of';
import { useApiGet } from './use-api-get';

/** One change of a contract as the BFF sends it (lib/contracts/history-entries.ts). */
export interface HistoryEntry {
  at: string;
  /** null when nothing of the change stayed (a rolled-back modification). */
  author: { id?: string; name?: string | null } | string | null;
  globalNo: string;
  kind: string;
  outcome?: string;
  changes: { field: string; before: unknown; after: unknown }[];
}
type Rows = Record<string, unknown>[] | null;

/** A history entry in the reader's words: the time in the profile's zone and language, labels translated, values as sent (cards masked). */
export interface ShownEntry {
  /** The saga the change came from ('' when none). */
  globalNo: string;
  /** The instant, machine-readable (`<time dateTime>`); '' when unknown. */
  instant: string;
  when: string;
  author: string;
  kind: string;
  outcome?: string;
  /** Kind and, unless it simply went through, its outcome: "Change (rolled back)". */
  kindText: string;
  changes: { field: string; label: string; before: string; after: string }[];
}

const SHOWN = ['contr', 'payr', 'svcNo', 'cardNo', 'bcbnConn', 'rack', 'intlTrafc', 'mfamtCont', 'admrInfo', 'apyr', 'saler'];

/**
 * The contract's history as entries (time, author, changes before → after, saga): the BFF's
 * `entries` when it sends them; else made from the phone contract's history rows, each the row
 * as it was before a change, against the current row.
 */
function entriesOf(answer: { entries?: HistoryEntry[]; ppon?: Rows }, current: Record<string, unknown> | undefined): HistoryEntry[] {
  if (Array.isArray(answer.entries) || !current) return answer.entries ?? [];
  const rows = [...(answer.ppon ?? [])].sort((a, b) => Number(a.saPponContHstNo ?? 0) - Number(b.saPponContHstNo ?? 0));
  const states = [...rows, current];
  return rows
    .map((before, i) => {
      const after = states[i + 1];
      return {
        at: textOf(after.amdDate),
        author: textOf(after.amdrNm ?? after.amdrId),
        globalNo: textOf(after.transacNo),
        kind: 'MODIFY',
        changes: SHOWN.filter((f) => (before[f] ?? null) !== (after[f] ?? null)).map((f) => ({ field: f, before: before[f] ?? null, after: after[f] ?? null })),
      };
    })
    .reverse();
}

const value = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : textOf(v));

/** One entry in the reader's words. */
function shownEntry(e: HistoryEntry, t: Translate, date: (v: unknown) => string): ShownEntry {
  const kind = `kind.${e.kind}`;
  const outcome = `outcome.${e.outcome ?? ''}`;
  const author = typeof e.author === 'string' ? e.author : (e.author?.name ?? e.author?.id ?? '');
  return {
    globalNo: e.globalNo ?? '',
    instant: parseInstant(e.at)?.toISOString() ?? '',
    when: date(e.at),
    author: author || '—',
    kind: e.kind,
    outcome: e.outcome,
    kindText: (isMessageKey(kind) ? t(kind) : t('kind.MODIFY')) + (e.outcome && e.outcome !== 'DONE' && isMessageKey(outcome) ? ` (${t(outcome)})` : ''),
    changes: e.changes.map((c) => {
      const label = `field.${c.field}`;
      return { field: c.field, label: isMessageKey(label) ? t(label) : c.field, before: value(c.before), after: value(c.after) };
    }),
  };
}

/**
 * A contract's history for a screen, newest first, in the reader's words — what the PC's table and
 * the phone's list both show. `entries` is null while loading; `error` is the failure as thrown, for
 * web/shared/problem-text.ts to word in the language shown now. `current` (the phone contract's
 * row) lets an answer without `entries` be read from its history rows.
 */
export function useContractHistory(no: number, current?: Record<string, unknown>): { entries: ShownEntry[] | null; error: unknown } {
  const t = useT();
  const format = useFormat();
  const { data, error } = useApiGet<{ entries?: HistoryEntry[]; ppon?: Rows }>(`/api/contracts/${no}/history`);
  const entries = useMemo(() => (data === null ? null : entriesOf(data, current).map((e) => shownEntry(e, t, format.date))), [data, current, t, format]);
  return { entries, error };
}
