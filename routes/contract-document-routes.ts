import type { Request } from 'express';
import { z } from 'zod';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';
import type { ContractUpstreams } from '../core/compose/contract-upstreams';
import type { CallContext } from '../core/compose/create-upstream';
import type { ContractRow } from '../core/compose/compose-contract';
import type { UploadedFile } from '../core/files/create-upload-engine';
import { isFileId } from '../core/files/file-id';
import type { StoredFile } from '../core/files/file-index';
import { safeFileName } from '../core/files/safe-file-name';
import type { BffUser } from '../core/session/session-types';
import { contractNoParam } from '../core/saga/contract-schemas';
import { mayModifyContract } from '../lib/contracts/contract-access';
import { AppError } from '../lib/errors/app-error';
import { receiveFile, rejectDeclaredOversize } from './receive-file';
import { sendStoredFile } from './send-stored-file';
import type { DocumentedRoute } from '../lib/openapi/api-route';
import { documentedRouter } from '../lib/openapi/documented-router';
import { bffResponses } from './openapi/bff-responses';
import { DOWNLOAD_RESPONSES, UPLOAD_BODY } from './file-routes';

const documentParams = contractNoParam.extend({ id: z.string() });

/** Where a contract's documents live under /api (multipart bodies, upload rate limit). */
export const CONTRACT_DOCUMENTS = /^\/contracts\/\d+\/documents\/?$/;

const documentView = ({ owner, ...file }: StoredFile) => ({ ...file, uploadedBy: owner });

/**
 * `/api/contracts/:no/documents`: the documents of a contract, behind the /api router's session
 * and X-CSRF checks. Whoever MS1 lets read the contract lists and downloads them; whoever may
 * change it (lib/contracts/contract-access.ts) attaches and deletes. Same limits and content
 * checks as /api/files.
 */
export function contractDocumentRoutes(runtime: BffRuntime, upstreams: ContractUpstreams, ctxOf: (req: Request) => CallContext, routes: DocumentedRoute[]) {
  const { router, route } = documentedRouter(routes, '/api/contracts/{pponContNo}/documents', { mergeParams: true });
  const { files } = runtime;
  const noOf = (req: Request) => Number(req.params.pponContNo);

  /** The contract as MS1 shows it to this user: its 404 or 403 is this request's answer. */
  const readable = (req: Request) => upstreams.ppon.getJson<ContractRow>(`/cont/${noOf(req)}`, ctxOf(req));
  const changeable = async (req: Request) => {
    const contract = await readable(req);
    if (!mayModifyContract(req.user as BffUser, contract.mkerId)) throw new AppError('FORBIDDEN', 'Only who may change this contract may change its documents');
    return contract;
  };
  const documentOf = async (req: Request): Promise<StoredFile> => {
    const id = String(req.params.id);
    const file = isFileId(id) ? await files.index.get(id) : null;
    if (!file || file.contractNo !== noOf(req)) throw new AppError('NOT_FOUND', 'No such document');
    return file;
  };

  route({ method: 'get', path: '', summary: "A contract's documents (who may read the contract)", request: { params: contractNoParam }, responses: { 200: { description: 'list', schema: bffResponses.documentList }, 400: 'VALIDATION_FAILED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' } }, async (req, res) => {
    await readable(req);
    res.json({ items: (await files.index.listOfContract(noOf(req))).map(documentView) });
  });

  // Allowed first: a refused user's upload is never stored.
  route({ method: 'post', path: '', summary: 'Attach a document (multipart, field `file`; who may change the contract)', csrf: true, request: { params: contractNoParam }, body: UPLOAD_BODY, responses: { 201: { description: 'document', schema: bffResponses.document }, 400: 'VALIDATION_FAILED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'TOO_MANY_REQUESTS' } }, async (req, _res, next) => next(await changeable(req).then(() => undefined)), rejectDeclaredOversize(runtime.config.filesMaxBytes), receiveFile(runtime), async (req, res) => {
    const uploaded = req.file as UploadedFile;
    const record: StoredFile = {
      id: uploaded.id,
      owner: (req.user as BffUser).sub,
      name: safeFileName(uploaded.originalname),
      size: uploaded.size,
      kind: uploaded.detected.kind,
      contentType: uploaded.detected.contentType,
      createdAt: new Date().toISOString(),
      contractNo: noOf(req),
    };
    await files.index.put(record).catch(async (err: unknown) => {
      await files.storage.remove(record.id);
      throw err;
    });
    res.status(201).location(`${req.baseUrl}/${record.id}`).json(documentView(record));
  });

  route({ method: 'get', path: '/{id}', summary: 'Download a document (streamed, Range supported)', request: { params: documentParams }, responses: { ...DOWNLOAD_RESPONSES, 400: 'VALIDATION_FAILED', 403: 'FORBIDDEN' } }, async (req, res) => {
    await readable(req);
    await sendStoredFile(runtime, req, res, await documentOf(req));
  });

  route({ method: 'delete', path: '/{id}', summary: 'Delete a document (who may change the contract)', csrf: true, request: { params: documentParams }, responses: { 204: 'deleted', 400: 'VALIDATION_FAILED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' } }, async (req, res) => {
    await changeable(req);
    const file = await documentOf(req);
    await files.index.remove(file);
    await files.storage.remove(file.id);
    res.status(204).end();
  });

  return router;
}
