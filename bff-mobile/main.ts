import { runBff } from '../routes/run-bff';
import { createMobileApp } from './app';

void runBff('mobile', createMobileApp);
