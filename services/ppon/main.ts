import { main } from '../shared/run-service';
import { pponService } from './service';

main(pponService);
