import { main } from '../platform/run-service';
import { pponService } from './service';

void main(pponService);
