import { defineContractTable } from '../platform/contracts/contract-table';

/** SA_PPON_CONT: MS1's contract, holding MS2's and MS3's numbers once their steps succeed. */
export const pponTable = defineContractTable('ppon', ['inetaplca', 'intelnet']);
