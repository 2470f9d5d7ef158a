import { main } from '../shared/run-service';
import { intelnetService } from './service';

main(intelnetService);
