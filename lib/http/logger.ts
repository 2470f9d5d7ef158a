import pino, { type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { RequestHandler } from 'express';
import { globalNoOf } from './global-no';

export type { Logger };

/** Cookies, tokens and secrets never reach a log line, whatever logs them. */
const REDACT = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  '*.password',
  '*.clientSecret',
  '*.idToken',
  '*.accessToken',
  '*.refreshToken',
];

export function createLogger(options: { name: string; level: string }, destination?: pino.DestinationStream): Logger {
  return pino({ name: options.name, level: options.level, redact: { paths: REDACT, censor: '[redacted]' } }, destination);
}

/**
 * One log line per request, tagged with the request's globalNo (which is also its id, so every
 * `req.log` line of that request carries it). Only method and path are logged: query strings can
 * hold authorization codes and state.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req) => globalNoOf(req),
    customProps: (req) => ({ globalNo: req.id }),
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
  }) as unknown as RequestHandler;
}
