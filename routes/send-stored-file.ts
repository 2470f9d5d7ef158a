import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';
import type { StoredFile } from '../core/files/file-index';
import { AppError } from '../lib/errors/app-error';

/** The single byte range asked for; several ranges or none get the whole file (RFC 9110 allows it). */
function rangeOf(req: Request, res: Response, size: number): { start: number; end: number } | undefined {
  // A suffix longer than the file selects all of it (RFC 9110 §14.1.2), which range-parser refuses.
  const suffix = /^bytes=\s*-(\d+)\s*$/.exec(req.get('range') ?? '');
  if (suffix && size > 0 && Number(suffix[1]) >= size) return { start: 0, end: size - 1 };
  const ranges = req.range(size, { combine: true });
  if (ranges === -1) {
    res.set('content-range', `bytes */${size}`);
    throw new AppError('RANGE_NOT_SATISFIABLE');
  }
  if (ranges === undefined || ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1) return undefined;
  return ranges[0];
}

/** A stored file as a download (GET, HEAD, one byte range), once the caller may read it. */
export async function sendStoredFile(runtime: BffRuntime, req: Request, res: Response, file: StoredFile): Promise<void> {
  const range = rangeOf(req, res, file.size);
  const content = req.method === 'HEAD' ? null : await runtime.files.storage.open(file.id, range);
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
}
