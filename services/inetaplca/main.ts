import { main } from '../shared/run-service';
import { inetaplcaService } from './service';

main(inetaplcaService);
