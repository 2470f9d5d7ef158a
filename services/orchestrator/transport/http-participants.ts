import type { ServiceConfig } from '../../../config/service-config';
import type { ServiceTokenSource } from '../../platform/auth/service-token-source';
import type { SagaTransport } from './saga-transport';
import type { StepAction, UndoAction } from '../workflows/saga-workflow';
import { createParticipantClient } from './participant-client';

/** The participants' saga endpoints, at the source's paths (and its spelling, "Conpensating"). */
const PATHS: Record<StepAction | UndoAction, string> = {
  register: '/cont/regSagaApi',
  modify: '/cont/amdSagaApi',
  'register-compensation': '/cont/regSagaApiConpensating',
  'modify-compensation': '/cont/amdSagaApiConpensating',
};

/** MS2 and MS3 over HTTP (API mode), each payload inside the participant's envelope. */
export function createHttpParticipants(config: ServiceConfig, auth: ServiceTokenSource): SagaTransport {
  const timeoutMs = config.participantTimeoutMs;
  const clients = {
    inetaplca: createParticipantClient({ baseUrl: config.inetaplcaUrl, timeoutMs, auth }),
    intelnet: createParticipantClient({ baseUrl: config.intelnetUrl, timeoutMs, auth }),
  };
  return {
    call: (participant, action, globalNo, payload) => clients[participant].post(PATHS[action], { [`${participant}ContPayload`]: payload }, globalNo),
  };
}
