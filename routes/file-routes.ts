import { pipeline } from 'node:stream/promises';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';
import { createUploadEngine, type UploadedFile } from '../core/files/create-upload-engine';
import { isFileId } from '../core/files/file-id';
import type { StoredFile } from '../core/files/file-index';
import { safeFileName } from '../core/files/safe-file-name';
import { AppError } from '../lib/errors/app-error';

const MiB = 1024 * 1024;
/** Room for the multipart framing around the file, so the quick size check never refuses a legal upload. */
const FRAMING_BYTES = 64 * 1024;

const tooLarge = (max: number) => new AppError('PAYLOAD_TOO_LARGE', `Files may be at most ${+(max / MiB).toFixed(1)} MiB`);

/** A declared Content-Length already over the limit is refused before a byte is stored. */
function rejectDeclaredOversize(max: number): RequestHandler {
  return (req, _res, next) => {
    const declared = Number(req.get('content-length'));
    next(declared > max + FRAMING_BYTES ? tooLarge(max) : undefined);
  };
}

/** multer with our engine; its errors become catalog errors that say what was wrong. */
function receiveFile(runtime: BffRuntime): RequestHandler {
  const { config, files } = runtime;
  const { engine, settled } = createUploadEngine(files.storage, config.filesAllowedTypes);
  const upload = multer({
    storage: engine,
    limits: { fileSize: config.filesMaxBytes, files: 1, fields: 0, parts: 1, headerPairs: 20 },
    // Browsers send the file name as raw UTF-8; busboy's default would read it as Latin-1.
    defParamCharset: 'utf8',
  }).single('file');
  return (req, res, next) => {
    upload(req, res, async (err?: unknown) => {
      if (err) await settled(req);
      if (!err) return next(req.file ? undefined : new AppError('VALIDATION_FAILED', 'A multipart body with one part named "file" is required'));
      const code = (err as { code?: string }).code;
      if (code === 'LIMIT_FILE_SIZE') return next(tooLarge(config.filesMaxBytes));
      if ((err as { name?: string }).name === 'MulterError') return next(new AppError('VALIDATION_FAILED', 'A multipart body with one part named "file" is required'));
      // busboy's complaints about the body carry no errno; a disk error (ENOSPC, EACCES) does and stays a 500.
      if (!(err instanceof AppError) && !code) return next(new AppError('MALFORMED_BODY', 'The multipart body is broken', {}, { cause: err }));
      next(err);
    });
  };
}

const publicView = ({ owner: _owner, ...file }: StoredFile) => file;

/** The caller's own file, or 404 — another user's file is indistinguishable from none. */
async function ownFile(runtime: BffRuntime, req: Request): Promise<StoredFile> {
  const id = req.params.id;
  const file = isFileId(id) ? await runtime.files.index.get(id) : null;
  if (!file || file.owner !== req.user!.sub) throw new AppError('NOT_FOUND', 'No such file');
  return file;
}

/** The single byte range asked for; several ranges or none get the whole file (RFC 9110 allows it). */
function rangeOf(req: Request, res: Response, size: number): { start: number; end: number } | undefined {
  const ranges = req.range(size, { combine: true });
  if (ranges === -1) {
    res.set('content-range', `bytes */${size}`);
    throw new AppError('RANGE_NOT_SATISFIABLE');
  }
  if (ranges === undefined || ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1) return undefined;
  return ranges[0];
}

/** `/api/files`: the user's own documents. Behind the /api router's session and X-CSRF checks. */
export function fileRoutes(runtime: BffRuntime): Router {
  const router = Router();
  const { files } = runtime;

  router.post('/', rejectDeclaredOversize(runtime.config.filesMaxBytes), receiveFile(runtime), async (req, res) => {
    const uploaded = req.file as UploadedFile;
    const record: StoredFile = {
      id: uploaded.id,
      owner: req.user!.sub,
      name: safeFileName(uploaded.originalname),
      size: uploaded.size,
      kind: uploaded.detected.kind,
      contentType: uploaded.detected.contentType,
      createdAt: new Date().toISOString(),
    };
    // Without its record the stored bytes could never be reached: remove them.
    await files.index.put(record).catch(async (err: unknown) => {
      await files.storage.remove(record.id);
      throw err;
    });
    res.status(201).location(`${req.baseUrl}/${record.id}`).set('cache-control', 'no-store').json(publicView(record));
  });

  router.get('/', async (req, res) => {
    const items = await files.index.listOf(req.user!.sub);
    res.set('cache-control', 'no-store').json({ items: items.map(publicView) });
  });

  router.get('/:id', async (req, res) => {
    const file = await ownFile(runtime, req);
    const range = rangeOf(req, res, file.size);
    const content = req.method === 'HEAD' ? null : await files.storage.open(file.id, range);
    if (!content && req.method !== 'HEAD') throw new AppError('NOT_FOUND', 'No such file');
    // attachment: never rendered on the BFF's origin; the type is the one the content check chose.
    res.attachment(file.name);
    res.set({
      'content-type': file.contentType,
      'accept-ranges': 'bytes',
      'cache-control': 'private, no-store',
      'content-security-policy': "default-src 'none'; sandbox",
      'content-length': String(range ? range.end - range.start + 1 : file.size),
    });
    if (range) res.status(206).set('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
    if (!content) return void res.end();
    await pipeline(content, res).catch((err: NodeJS.ErrnoException) => {
      // The browser went away mid-download: nothing to answer, nothing to log as a failure.
      if (err.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
    });
  });

  router.delete('/:id', async (req, res) => {
    const file = await ownFile(runtime, req);
    // Record first: once it is gone the file is gone for every instance, even if the unlink fails.
    await files.index.remove(file);
    await files.storage.remove(file.id);
    res.status(204).end();
  });

  return router;
}
