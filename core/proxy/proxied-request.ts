import type { IncomingMessage } from 'node:http';
import type { BffUser } from '../session/session-types';

/** What the proxy reads from a request: an Express request, or a bare upgrade request we annotated. */
export type ProxiedRequest = IncomingMessage & { user?: BffUser; globalNo?: string };
