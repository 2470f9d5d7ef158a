import type { RequestHandler } from 'express';
import multer from 'multer';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';
import { createUploadEngine } from '../core/files/create-upload-engine';
import { AppError } from '../lib/errors/app-error';

const MiB = 1024 * 1024;
/** Room for the multipart framing around the file, so the quick size check never refuses a legal upload. */
const FRAMING_BYTES = 64 * 1024;

const tooLarge = (max: number) => new AppError('PAYLOAD_TOO_LARGE', `Files may be at most ${+(max / MiB).toFixed(1)} MiB`);

/** A declared Content-Length already over the limit is refused before a byte is stored. */
export function rejectDeclaredOversize(max: number): RequestHandler {
  return (req, _res, next) => {
    const declared = Number(req.get('content-length'));
    next(declared > max + FRAMING_BYTES ? tooLarge(max) : undefined);
  };
}

/** What a failed upload answers: a catalog error that says what was wrong, or a disk error as it is (a 500). */
function uploadError(err: unknown, max: number): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'LIMIT_FILE_SIZE') return tooLarge(max);
  if ((err as { name?: string }).name === 'MulterError') return new AppError('VALIDATION_FAILED', 'A multipart body with one part named "file" is required');
  // busboy's complaints about the body carry no errno; a disk error (ENOSPC, EACCES) does and stays a 500.
  if (!(err instanceof AppError) && !code) return new AppError('MALFORMED_BODY', 'The multipart body is broken', {}, { cause: err });
  return err;
}

/** multer with our engine; its errors become catalog errors that say what was wrong. */
export function receiveFile(runtime: BffRuntime): RequestHandler {
  const { config, files } = runtime;
  const { engine, settled } = createUploadEngine(files.storage, config.filesAllowedTypes);
  const upload = multer({
    storage: engine,
    limits: { fileSize: config.filesMaxBytes, files: 1, fields: 0, parts: 1, headerPairs: 20 },
    // Browsers send the file name as raw UTF-8; busboy's default would read it as Latin-1.
    defParamCharset: 'utf8',
  }).single('file');
  return (req, res, next) => {
    upload(req, res, (err?: unknown) => {
      if (!err) return next(req.file ? undefined : new AppError('VALIDATION_FAILED', 'A multipart body with one part named "file" is required'));
      // Answer once the engine has finished with the partial file; if that fails, its error is the answer.
      settled(req).then(() => next(uploadError(err, config.filesMaxBytes)), next);
    });
  };
}
