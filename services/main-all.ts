import { main } from './platform/run-service';
import { mainContractView } from './contract-view/run-contract-view';
import { inetaplcaService } from './inetaplca/service';
import { intelnetService } from './intelnet/service';
import { pponService } from './ppon/service';

// The three contract services in one process: participants first, then the orchestrator.
// Then the contract view, so the in-process bus reaches its consumer too.
void main(inetaplcaService, intelnetService, pponService).then(() => mainContractView());
