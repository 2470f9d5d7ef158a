import { isMessageKey, type Translate } from './i18n';

/**
 * A saga step (`inetaplca register`, `ppon store-intelnet-no`, …) in an agent's words: what it did,
 * or, when it failed, that it failed (`지능망: 등록 실패`), never both.
 */
export function stepText(t: Translate, step: { participant?: string; action?: string; outcome?: string }): string {
  const partKey = `part.${step.participant ?? ''}`;
  const part = isMessageKey(partKey) ? t(partKey) : t('part.ppon');
  const failed = Boolean(step.outcome) && step.outcome !== 'Y';
  const key = `${failed ? 'stepFailed' : 'step'}.${step.action ?? ''}`;
  return t(isMessageKey(key) ? key : failed ? 'stepFailed.other' : 'step.other', { part });
}

/** A saga state (START, END, CANCEL, COMPENSATING, …) in words. */
export function sagaStateText(t: Translate, state: string): string {
  const key = `saga.${state}`;
  return isMessageKey(key) ? t(key) : t('saga.START');
}

/** A saga state in as few words as a phone's filter button holds; the full words when they are short already. */
export function sagaStateShortText(t: Translate, state: string): string {
  const key = `sagaShort.${state}`;
  return isMessageKey(key) ? t(key) : sagaStateText(t, state);
}

/** A saga's kind (`reg`, `amd`) in words: Registration, Change. */
export function sagaKindText(t: Translate, kind: string): string {
  return kind === 'amd' ? t('sagaKind.amd') : t('sagaKind.reg');
}

/** Why a saga failed (its list row's `messageCode`) in words; '' when it did not. */
export function sagaReasonText(t: Translate, code: string | null | undefined): string {
  if (!code) return '';
  const key = `problem.${code}`;
  return isMessageKey(key) ? t(key) : t('problem.STEP_FAILED');
}
