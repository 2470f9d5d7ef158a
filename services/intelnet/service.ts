import { participantService } from '../participant/participant-service';
import { intelnetTable } from './intelnet-table';
import { intelnetMigrations } from './migrations';

/**
 * MS3 (samp.intelnet): a saga participant, the saga's last step, where the drill fails on purpose.
 * Compensated too: a step MS1 timed out may commit later, and then it must be undone (or,
 * arriving after its compensation, refused).
 */
export const intelnetService = participantService({ name: 'intelnet', table: intelnetTable, migrations: intelnetMigrations, drill: true });
