import { main } from '../platform/run-service';
import { inetaplcaService } from './service';

void main(inetaplcaService);
