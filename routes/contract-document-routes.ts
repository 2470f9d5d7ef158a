import { Router, type Request } from 'express';
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
import { validate } from '../lib/http/validate';
import { receiveFile, rejectDeclaredOversize } from './receive-file';
import { sendStoredFile } from './send-stored-file';

/** Where a contract's documents live under /api (multipart bodies, upload rate limit). */
export const CONTRACT_DOCUMENTS = /^\/contracts\/\d+\/documents\/?$/;

const documentView = ({ owner, ...file }: StoredFile) => ({ ...file, uploadedBy: owner });

/**
 * `/api/contracts/:no/documents`: the documents of a contract, behind the /api router's session
 * and X-CSRF checks. Whoever MS1 lets read the contract lists and downloads them; whoever may
 * change it (lib/contracts/contract-access.ts) attaches and deletes. Same limits and content
 * checks as /api/files.
 */
export function contractDocumentRoutes(runtime: BffRuntime, upstreams: ContractUpstreams, ctxOf: (req: Request) => CallContext): Router {
  const router = Router({ mergeParams: true });
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

  router.use(validate(contractNoParam.partial().passthrough(), 'params'));

  router.get('/', async (req, res) => {
    await readable(req);
    res.json({ items: (await files.index.listOfContract(noOf(req))).map(documentView) });
  });

  // Allowed first: a refused user's upload is never stored.
  router.post('/', async (req, _res, next) => next(await changeable(req).then(() => undefined)), rejectDeclaredOversize(runtime.config.filesMaxBytes), receiveFile(runtime), async (req, res) => {
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

  router.get('/:id', async (req, res) => {
    await readable(req);
    await sendStoredFile(runtime, req, res, await documentOf(req));
  });

  router.delete('/:id', async (req, res) => {
    await changeable(req);
    const file = await documentOf(req);
    await files.index.remove(file);
    await files.storage.remove(file.id);
    res.status(204).end();
  });

  return router;
}
