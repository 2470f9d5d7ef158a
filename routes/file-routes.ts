import type { Request } from 'express';
import { z } from 'zod';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';
import type { UploadedFile } from '../core/files/create-upload-engine';
import { isFileId } from '../core/files/file-id';
import type { StoredFile } from '../core/files/file-index';
import { safeFileName } from '../core/files/safe-file-name';
import { AppError } from '../lib/errors/app-error';
import { receiveFile, rejectDeclaredOversize } from './receive-file';
import { sendStoredFile } from './send-stored-file';
import type { DocumentedRoute } from '../lib/openapi/api-route';
import { documentedRouter } from '../lib/openapi/documented-router';
import { bffResponses } from './openapi/bff-responses';

/** Any string: an id that names no file of the caller's is a 404 like any other (never a 400 that tells ids apart). */
const fileParams = z.object({ id: z.string() });
/** The multipart upload every upload route takes (routes/receive-file.ts). */
export const UPLOAD_BODY = { contentType: 'multipart/form-data', schema: z.object({ file: bffResponses.binary }) };
const download = (what: string) => ({ description: `${what}, in the stored file's own type`, contentType: '*/*', schema: bffResponses.binary });
/** A download's answers: the file, a range of it, or none. */
export const DOWNLOAD_RESPONSES = { 200: download('content'), 206: download('range'), 404: 'NOT_FOUND', 416: 'RANGE_NOT_SATISFIABLE' };

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
export function fileRoutes(runtime: BffRuntime, routes: DocumentedRoute[]) {
  const { router, route } = documentedRouter(routes, '/api/files');
  const { files } = runtime;

  route({ method: 'post', path: '', summary: 'Upload (multipart, field `file`)', csrf: true, body: UPLOAD_BODY, responses: { 201: { description: 'file', schema: bffResponses.file }, 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'TOO_MANY_REQUESTS' } }, rejectDeclaredOversize(runtime.config.filesMaxBytes), receiveFile(runtime), async (req, res) => {
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

  route({ method: 'get', path: '', summary: "The user's own files", responses: { 200: { description: 'list', schema: bffResponses.fileList } } }, async (req, res) => {
    const items = await files.index.listOf(req.user!.sub);
    res.set('cache-control', 'no-store').json({ items: items.map(publicView) });
  });

  route({ method: 'get', path: '/{id}', summary: 'Download (streamed, Range supported)', request: { params: fileParams }, responses: DOWNLOAD_RESPONSES }, async (req, res) => {
    await sendStoredFile(runtime, req, res, await ownFile(runtime, req));
  });

  route({ method: 'delete', path: '/{id}', summary: 'Delete', csrf: true, request: { params: fileParams }, responses: { 204: 'deleted', 404: 'NOT_FOUND' } }, async (req, res) => {
    const file = await ownFile(runtime, req);
    // Record first: once it is gone the file is gone for every instance, even if the unlink fails.
    await files.index.remove(file);
    await files.storage.remove(file.id);
    res.status(204).end();
  });

  return router;
}
