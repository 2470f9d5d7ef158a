import { defineContractTable } from '../platform/contracts/contract-table';

/** SA_INTELNET_CONT: MS3's contract, holding MS1's number. */
export const intelnetTable = defineContractTable('intelnet', ['ppon']);
