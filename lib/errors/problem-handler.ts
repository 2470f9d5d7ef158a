import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from './app-error';
import { errorCatalog, type ErrorCode } from './catalog';

export const PROBLEM_TYPE_BASE = 'urn:contract-bff:problem:';

/** The first catalog code answering with this status: a library's 4xx keeps its status, with our vocabulary. */
function codeForStatus(status: number): ErrorCode | undefined {
  return (Object.keys(errorCatalog) as ErrorCode[]).find((code) => errorCatalog[code].status === status);
}

/**
 * Maps well-known errors thrown by libraries (body parser, router, multer, zod, …) onto catalog
 * codes. A client error a library raised (http-errors with a 4xx status) stays a 4xx: a body or a
 * path the client spoiled must never look like our fault.
 */
function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; statusCode?: number; code?: string; name?: string; issues?: { path: PropertyKey[]; message: string }[] };
  if (e?.type === 'entity.too.large' || e?.type === 'parameters.too.many' || e?.code === 'LIMIT_FILE_SIZE') return new AppError('PAYLOAD_TOO_LARGE');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'The body\'s Content-Encoding or charset is not supported');
  }
  if (e?.type === 'entity.parse.failed') return new AppError('MALFORMED_BODY');
  if (e?.name === 'MulterError') return new AppError('VALIDATION_FAILED', 'The multipart upload is not valid');
  if (e?.name === 'ZodError' && Array.isArray(e.issues)) {
    const errors = e.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
    return new AppError('VALIDATION_FAILED', errors.map((x) => `${x.path || 'request'}: ${x.message}`).join('; '), { errors });
  }
  // The router's "Failed to decode param" (a bad escape in a path parameter).
  if (e?.name === 'URIError') return new AppError('INVALID_PATH', 'The request path is not valid percent-encoded UTF-8');
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // A body that failed to decompress (zlib's Z_DATA_ERROR, a truncated stream) is a body we cannot read.
    if (status === 400) return new AppError('MALFORMED_BODY', 'The request body could not be read (bad Content-Encoding?)');
    const code = codeForStatus(status);
    if (code) return new AppError(code);
  }
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
  res: ServerResponse,
  error: AppError,
  instance?: string,
): void {
  const { title } = errorCatalog[error.code];
  const globalNo = res.getHeader('x-global-no');
  const body = JSON.stringify({
    type: PROBLEM_TYPE_BASE + error.code,
    title,
    status: error.status,
    code: error.code,
    detail: error.detail ?? title,
    ...(instance ? { instance } : {}),
    ...(globalNo ? { globalNo } : {}),
    ...error.extra,
  });
  // Node's own API, not Express's: the legacy rows' fast path answers with bare responses too.
  // A HEAD request gets the headers only (Node drops the body of a response to HEAD).
  res.statusCode = error.status;
  // A writeHead that failed (an upstream header Node refused) may have left another status's phrase.
  res.statusMessage = STATUS_CODES[error.status] ?? '';
  res.setHeader('content-type', 'application/problem+json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

/** The final handler: anything no route claimed is a 404 problem, never Express's HTML page. */
export function notFound(): RequestHandler {
  return (_req, _res, next) => next(new AppError('NOT_FOUND'));
}

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(errorCatalog, code);
}
