import { participantService } from '../participant/participant-service';
import { inetaplcaTable } from './inetaplca-table';
import { inetaplcaMigrations } from './migrations';

/** MS2 (samp.inetaplca): a saga participant, the saga's first remote step. */
export const inetaplcaService = participantService({ name: 'inetaplca', table: inetaplcaTable, migrations: inetaplcaMigrations, drill: false });
