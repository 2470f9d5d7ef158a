/**
 * What the contract list can be sorted by (the read model's columns) and the last change's states
 * it can be filtered by. No imports: the screens' bundle takes these lists from here
 * (web/shared/contract-search.ts), so they are written once.
 */
export const CONTRACT_SORT_KEYS = ['no', 'contr', 'payr', 'svcNo', 'cardNo', 'mkeDate', 'amdDate', 'state'] as const;
export const CONTRACT_STATES = ['START', 'END', 'CANCEL'] as const;
