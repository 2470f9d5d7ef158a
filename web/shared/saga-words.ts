import { isMessageKey, type Translate } from './i18n';

/** A saga step (`inetaplca register`, `ppon store-intelnet-no`, …) in an agent's words. */
export function stepText(t: Translate, step: { participant?: string; action?: string }): string {
  const partKey = `part.${step.participant ?? ''}`;
  const part = isMessageKey(partKey) ? t(partKey) : t('part.ppon');
  const key = `step.${step.action ?? ''}`;
  return t(isMessageKey(key) ? key : 'step.other', { part });
}

/** A saga state (START, END, CANCEL, COMPENSATING, …) in words. */
export function sagaStateText(t: Translate, state: string): string {
  const key = `saga.${state}`;
  return isMessageKey(key) ? t(key) : t('saga.START');
}
