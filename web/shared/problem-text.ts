import { ApiError } from './api';
import { isMessageKey, type Translate } from './i18n';
import { textOf } from './text-of';

/**
 * What a refusal says on screen: the problem's code translated, or a translated sentence for its
 * status. The BFF's English `detail` and `title` are for developers and never shown.
 */
export function problemText(t: Translate, err: unknown): string {
  return err instanceof ApiError ? codeText(t, err.problem.code, err.status) : t('problem.network');
}

/** A problem code in words; an unknown one by its status (a part that could not be read: 502). */
export function codeText(t: Translate, code: unknown, status = 502): string {
  const key = `problem.${textOf(code)}`;
  if (isMessageKey(key)) return t(key);
  const exact = `problem.status.${status}`;
  if (isMessageKey(exact)) return t(exact);
  return t(status === 0 ? 'problem.network' : status < 500 ? 'problem.status.4xx' : 'problem.status.5xx');
}

/** A field's error code (`REQUIRED`, `INVALID_PHONE`, …) in the user's language. */
export function fieldErrorText(t: Translate, code: string): string {
  const key = `fieldError.${code}`;
  return t(isMessageKey(key) ? key : 'fieldError.other');
}
