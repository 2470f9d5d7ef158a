import { AppError } from '../../../lib/errors/app-error';
import { isTransientLockError } from '../db/retry-on-deadlock';

/**
 * Errors that mean "the database is not there right now", not "this request is wrong": refused or
 * lost connections, a server shutting down or killing our connection (a restart, a failover, an
 * operator's KILL), a busy SQLite file, a closed pool.
 */
const DATABASE_DOWN = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
  'ER_SERVER_SHUTDOWN',
  'ER_CLIENT_INTERACTION_TIMEOUT',
  'POOL_CLOSED',
]);

/**
 * A database that cannot be reached becomes a 503 with a code, not an anonymous 500; so does a lock
 * conflict (deadlock, lock-wait timeout, busy SQLite file) that outlasted the transaction's retries.
 */
export function toServiceError(err: unknown): unknown {
  if (isTransientLockError(err)) return new AppError('DATABASE_UNAVAILABLE', 'The database is busy with a conflicting write; try again', {}, { cause: err });
  const { code, fatal } = (err ?? {}) as { code?: unknown; fatal?: unknown };
  // mysql2 marks every error that ended the connection `fatal`, whatever its code.
  const down = (typeof code === 'string' && DATABASE_DOWN.has(code)) || fatal === true;
  return down ? new AppError('DATABASE_UNAVAILABLE', undefined, {}, { cause: err }) : err;
}
