import { AppError } from '../../../lib/errors/app-error';

const DATABASE_DOWN = new Set(['ECONNREFUSED', 'PROTOCOL_CONNECTION_LOST', 'ETIMEDOUT', 'ER_CON_COUNT_ERROR', 'SQLITE_BUSY', 'POOL_CLOSED']);

/** A database that cannot be reached becomes a 503 with a code, not an anonymous 500. */
export function toServiceError(err: unknown): unknown {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && DATABASE_DOWN.has(code) ? new AppError('DATABASE_UNAVAILABLE', undefined, {}, { cause: err }) : err;
}
