import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from './app-error';
import { errorCatalog, type ErrorCode } from './catalog';

export const PROBLEM_TYPE_BASE = 'urn:contract-bff:problem:';

/** Maps well-known errors thrown by libraries (body parser, multer, …) onto catalog codes. */
function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; code?: string; name?: string };
  if (e?.type === 'entity.too.large' || e?.code === 'LIMIT_FILE_SIZE') return new AppError('PAYLOAD_TOO_LARGE');
  if (e?.type === 'entity.parse.failed' || e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new AppError('MALFORMED_BODY');
  }
  if (e?.name === 'MulterError') return new AppError('VALIDATION_FAILED', 'The multipart upload is not valid');
  return new AppError('INTERNAL');
}

/**
 * The one place errors become `application/problem+json` (RFC 9457). Unknown errors become a
 * 500 whose body says nothing about their cause; the cause is logged with the request's globalNo.
 */
export function problemHandler(): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = toAppError(err);
    if (appError.status >= 500) {
      req.log?.error({ err }, 'request failed: %s', appError.code);
    } else {
      req.log?.info({ code: appError.code }, 'request rejected: %s', appError.code);
    }
    if (res.headersSent) {
      // Too late for a problem document: cut a response still being streamed, leave a finished one.
      if (!res.writableEnded) res.destroy();
      return;
    }
    sendProblem(res, appError, req.originalUrl.split('?')[0]);
  };
}

export function sendProblem(
  res: import('express').Response,
  error: AppError,
  instance?: string,
): void {
  const { title } = errorCatalog[error.code];
  const globalNo = res.getHeader('x-global-no');
  res
    .status(error.status)
    .type('application/problem+json')
    .set('cache-control', 'no-store')
    .send(
      JSON.stringify({
        type: PROBLEM_TYPE_BASE + error.code,
        title,
        status: error.status,
        code: error.code,
        detail: error.detail ?? title,
        ...(instance ? { instance } : {}),
        ...(globalNo ? { globalNo } : {}),
        ...error.extra,
      }),
    );
}

/** The final handler: anything no route claimed is a 404 problem, never Express's HTML page. */
export function notFound(): RequestHandler {
  return (_req, _res, next) => next(new AppError('NOT_FOUND'));
}

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(errorCatalog, code);
}
