import type { ServiceConfig } from '../../../config/service-config';
import type { ServiceTokenSource } from '../../platform/auth/service-token-source';
import { createParticipantClient, type ParticipantClient } from './participant-client';
import type { ParticipantCall, SagaParticipants } from '../engine/participants';

/** MS2 and MS3 over HTTP (API mode), at the paths and envelopes of the source. */
export function createHttpParticipants(config: ServiceConfig, auth: ServiceTokenSource): SagaParticipants {
  const timeoutMs = config.participantTimeoutMs;
  const inetaplca = createParticipantClient({ baseUrl: config.inetaplcaUrl, timeoutMs, auth });
  const intelnet = createParticipantClient({ baseUrl: config.intelnetUrl, timeoutMs, auth });
  const call = (client: ParticipantClient, path: string, envelope: string): ParticipantCall =>
    (globalNo, payload) => client.post(path, { [envelope]: payload }, globalNo);
  return {
    inetaplca: {
      register: call(inetaplca, '/cont/regSagaApi', 'inetaplcaContPayload'),
      modify: call(inetaplca, '/cont/amdSagaApi', 'inetaplcaContPayload'),
      compensateRegister: call(inetaplca, '/cont/regSagaApiConpensating', 'inetaplcaContPayload'),
      compensateModify: call(inetaplca, '/cont/amdSagaApiConpensating', 'inetaplcaContPayload'),
    },
    intelnet: {
      register: call(intelnet, '/cont/regSagaApi', 'intelnetContPayload'),
      modify: call(intelnet, '/cont/amdSagaApi', 'intelnetContPayload'),
      compensateRegister: call(intelnet, '/cont/regSagaApiConpensating', 'intelnetContPayload'),
      compensateModify: call(intelnet, '/cont/amdSagaApiConpensating', 'intelnetContPayload'),
    },
  };
}
