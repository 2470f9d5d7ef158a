import { main } from '../platform/run-service';
import { intelnetService } from './service';

void main(intelnetService);
