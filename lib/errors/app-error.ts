import { errorCatalog, type ErrorCode } from './catalog';

/**
 * The only error type that carries a message to the client. `detail` must be safe to show;
 * `extra` adds members to the problem document (e.g. `errors` for validation).
 */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(detail ?? errorCatalog[code].title, options);
    this.name = 'AppError';
    this.status = errorCatalog[code].status;
  }
}
