import { mainContractView } from './run-contract-view';

mainContractView();
