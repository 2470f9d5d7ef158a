import type { Readable } from 'node:stream';

/** Where uploaded bytes live. Ids come from `newFileId()`; no user input ever names a stored file. */
export interface FileStorage {
  /** Stores the stream under `id`, all or nothing: a failed or aborted stream leaves nothing behind. */
  save(id: string, content: Readable): Promise<{ size: number }>;
  /** The stored bytes, or the inclusive byte range of them; null when nothing is stored under `id`. */
  open(id: string, range?: { start: number; end: number }): Promise<Readable | null>;
  remove(id: string): Promise<void>;
  /** Every stored file's id and last modification (ms), for the orphan sweep; partial uploads are not listed. */
  list(): Promise<{ id: string; modifiedAt: number }[]>;
}
