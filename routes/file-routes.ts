import { Router, type Request } from 'express';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';
import type { UploadedFile } from '../core/files/create-upload-engine';
import { isFileId } from '../core/files/file-id';
import type { StoredFile } from '../core/files/file-index';
import { safeFileName } from '../core/files/safe-file-name';
import { AppError } from '../lib/errors/app-error';
import { receiveFile, rejectDeclaredOversize } from './receive-file';
import { sendStoredFile } from './send-stored-file';

const publicView = ({ owner: _owner, ...file }: StoredFile) => file;

/** The caller's own file, or 404 — another user's file is indistinguishable from none. */
async function ownFile(runtime: BffRuntime, req: Request): Promise<StoredFile> {
  const id = req.params.id;
  const file = isFileId(id) ? await runtime.files.index.get(id) : null;
  // A contract's document is reached through its contract (routes/contract-document-routes.ts).
  if (!file || file.owner !== req.user!.sub || file.contractNo !== undefined) throw new AppError('NOT_FOUND', 'No such file');
  return file;
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
    await sendStoredFile(runtime, req, res, await ownFile(runtime, req));
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
