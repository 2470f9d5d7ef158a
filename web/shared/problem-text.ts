import { ApiError } from './api';
import { isMessageKey, type MessageKey, type Translate } from './i18n';
import { textOf } from './text-of';

/**
 * What a refusal says on screen: the refused fields named, each with what it expects, or the
 * problem's code translated, or a translated sentence for its status. The BFF's English `detail`
 * and `title` are for developers and never shown.
 */
export function problemText(t: Translate, err: unknown): string {
  if (!(err instanceof ApiError)) return t('problem.network');
  const sentences = Object.entries(refusedFields(err)).flatMap(([path, code]) => refusalText(t, path, code) ?? []);
  return sentences.length ? sentences.join(' ') : codeText(t, err.problem.code, err.status);
}

/** A problem code in words; an unknown one by its status (a part that could not be read: 502). */
export function codeText(t: Translate, code: unknown, status = 502): string {
  const key = `problem.${textOf(code)}`;
  if (isMessageKey(key)) return t(key);
  const exact = `problem.status.${status}`;
  if (isMessageKey(exact)) return t(exact);
  return t(status === 0 ? 'problem.network' : status < 500 ? 'problem.status.4xx' : 'problem.status.5xx');
}

/**
 * A field's error code (`REQUIRED`, `INVALID_PHONE`, …) in the user's language: what this field
 * expects when there are words for it (`fieldError.<field>.<code>`, `fieldError.<field>`), else the code's.
 */
export function fieldErrorText(t: Translate, code: string, field?: string): string {
  const keys = field ? [`fieldError.${field}.${code}`, `fieldError.${field}`, `fieldError.${code}`] : [`fieldError.${code}`];
  return t(keys.find(isMessageKey) ?? 'fieldError.other');
}

/** The refused fields of a VALIDATION_FAILED problem: path (`contr`, `from`, `pageSize`, …) → its code; none for any other error. */
export function refusedFields(err: unknown): Record<string, string> {
  return err instanceof ApiError && err.problem.code === 'VALIDATION_FAILED' ? err.fieldErrors() : {};
}

/** What the screens call a request's field: its label there (search fields, settings), else the contract field's name. */
const LABELS: Record<string, MessageKey> = { q: 'field.contr', from: 'dateFrom', to: 'dateTo', sort: 'sortBy', order: 'sortBy', state: 'field.lastChange', pageSize: 'pageSize', language: 'language' };

/** A request field's name as the agent knows it, or null (a field no screen names). */
export function fieldLabel(t: Translate, path: string): string | null {
  const key = LABELS[path] ?? `field.${path}`;
  return isMessageKey(key) ? t(key) : null;
}

/** One refused field as a sentence: its own (a contract number in the address, a page's position), or "<label>: <what it expects>". */
function refusalText(t: Translate, path: string, code: string): string | null {
  const own = `problem.field.${path}`;
  if (isMessageKey(own)) return t(own);
  const field = fieldLabel(t, path);
  return field ? t('fieldProblem', { field, problem: fieldErrorText(t, code, path) }) : null;
}
