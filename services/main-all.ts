import { main } from './shared/run-service';
import { inetaplcaService } from './inetaplca/service';
import { intelnetService } from './intelnet/service';
import { pponService } from './ppon/service';

// The three contract services in one process: participants first, then the orchestrator.
main(inetaplcaService, intelnetService, pponService);
