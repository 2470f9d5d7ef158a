import { pipeline } from 'node:stream';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import type { FileKind } from '../../config/file-kinds';
import { AppError } from '../../lib/errors/app-error';
import type { DetectedKind } from './detect-file-kind';
import { newFileId } from './file-id';
import type { FileStorage } from './file-storage';
import { sniffFileKind } from './sniff-file-kind';

/** What the engine adds to multer's `req.file`. */
export interface UploadedFile extends Express.Multer.File {
  id: string;
  detected: DetectedKind;
}

export interface UploadEngine {
  engine: StorageEngine;
  /**
   * Resolves once this request's file is stored or cleaned away. multer may answer an error
   * before the engine has removed its partial file; waiting here keeps "nothing left" true by
   * the time the client reads the answer.
   */
  settled: (req: Request) => Promise<void>;
}

/**
 * A multer storage engine that streams the part through the kind check into the storage: the
 * upload is never held whole in memory, and a refused, oversized or aborted one leaves nothing.
 */
export function createUploadEngine(storage: FileStorage, allowed: readonly FileKind[]): UploadEngine {
  const saving = new WeakMap<Request, Promise<unknown>>();
  const engine: StorageEngine = {
    _handleFile(req: Request, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<UploadedFile>) => void) {
      const id = newFileId();
      let detected: DetectedKind | undefined;
      const sniffer = sniffFileKind(file.originalname, allowed, (kind) => (detected = kind));
      // multer reports the limit itself (413); stop storing at once instead of keeping a truncated file.
      file.stream.once('limit', () => sniffer.destroy(new AppError('PAYLOAD_TOO_LARGE')));
      // Errors of either side reach storage.save through the sniffer, which pipeline destroys.
      const checked = pipeline(file.stream, sniffer, () => undefined);
      const saved = storage.save(id, checked);
      saving.set(req, saved.catch(() => undefined));
      saved.then(
        ({ size }) => callback(null, { id, size, detected }),
        (err: unknown) => callback(err),
      );
    },
    _removeFile(_req: Request, file: Express.Multer.File, callback: (error: Error | null) => void) {
      storage.remove((file as UploadedFile).id).then(() => callback(null), callback);
    },
  };
  return { engine, settled: async (req) => void (await saving.get(req)) };
}
