import http from 'node:http';
import axios, { type AxiosInstance } from 'axios';
import { GLOBAL_NO_HEADER } from '../../../lib/http/global-no';
import { inSpan, markError, SpanKind, traceHeaders } from '../../../lib/telemetry/trace';
import { actingUser } from '../../platform/auth/authenticate-calls';
import { ACTING_USER_HEADER, encodeActingUser } from '../../platform/auth/identity';
import type { ServiceTokenSource } from '../../platform/auth/service-token-source';

/**
 * A participant's answer as the saga sees it. "FALLBACK" is the source's name for a call that got
 * no usable answer (timeout, refused connection, a server error without a saga answer): a failure.
 */
export interface StepReply {
  outcome: 'Y' | 'N' | 'FALLBACK';
  message: string;
  body: Record<string, unknown>;
}

export interface ParticipantClient {
  post(path: string, body: unknown, globalNo: string): Promise<StepReply>;
}

/** axios lives only here; keep-alive because a saga makes several calls to the same participant. */
export function createParticipantClient(options: { baseUrl: string; timeoutMs: number; auth: ServiceTokenSource }): ParticipantClient {
  const client: AxiosInstance = axios.create({
    baseURL: options.baseUrl,
    timeout: options.timeoutMs,
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    validateStatus: () => true,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
  });

  return {
    post: (path, body, globalNo) =>
      inSpan(`POST ${path}`, { kind: SpanKind.CLIENT, globalNo, attributes: { 'http.request.method': 'POST', 'server.address': options.baseUrl, 'url.path': path } }, async (span) => {
        try {
          // MS1's own token (role saga) and the user it acts for, as MS1 verified them.
          const headers: Record<string, string> = { [GLOBAL_NO_HEADER]: globalNo, authorization: `Bearer ${await options.auth.token()}`, ...traceHeaders() };
          const actor = actingUser.getStore();
          if (actor) headers[ACTING_USER_HEADER] = encodeActingUser(actor);
          const response = await client.post(path, body, { headers });
          span?.setAttribute('http.response.status_code', response.status);
          return replyOf(response.status, response.data);
        } catch (err) {
          const message = fallbackMessage(err, options.timeoutMs);
          markError(span, message);
          return { outcome: 'FALLBACK', message, body: {} };
        }
      }),
  };
}

function replyOf(status: number, data: unknown): StepReply {
  const body = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  const message = typeof body.message === 'string' ? body.message : typeof body.detail === 'string' ? body.detail : `HTTP ${status}`;
  if (status < 300 && body.successYn === 'Y') return { outcome: 'Y', message, body };
  if (body.successYn === 'N') return { outcome: 'N', message, body };
  return { outcome: 'FALLBACK', message: `HTTP ${status} without a saga answer`, body };
}

function fallbackMessage(err: unknown, timeoutMs: number): string {
  const code = (err as { code?: string }).code;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') return `no answer within ${timeoutMs} ms`;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  return `call failed (${code ?? 'unknown error'})`;
}
