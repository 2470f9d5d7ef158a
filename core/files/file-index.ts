import type { FileKind } from '../../config/file-kinds';

/** What the BFF remembers about one uploaded file. `name` is for display only, never a path. */
export interface StoredFile {
  id: string;
  owner: string;
  name: string;
  size: number;
  kind: FileKind;
  contentType: string;
  createdAt: string;
}

/** File metadata, kept where every BFF instance sees it. */
export interface FileIndex {
  put(file: StoredFile): Promise<void>;
  get(id: string): Promise<StoredFile | null>;
  /** The owner's files, newest first. */
  listOf(owner: string): Promise<StoredFile[]>;
  remove(file: StoredFile): Promise<void>;
  /** Every record, for the orphan sweep. */
  all(): Promise<StoredFile[]>;
}
