import { defineContractTable } from '../platform/contracts/contract-table';

/** SA_INETAPLCA_CONT: MS2's contract, holding MS1's number. */
export const inetaplcaTable = defineContractTable('inetaplca', ['ppon']);
