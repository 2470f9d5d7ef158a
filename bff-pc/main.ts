import { runBff } from '../routes/run-bff';
import { createPcApp } from './app';

void runBff('pc', createPcApp);
