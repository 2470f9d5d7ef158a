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
  /** A contract's document: reached through the contract, listed with it, not in the owner's own files. */
  contractNo?: number;
}

/** File metadata, kept where every BFF instance sees it. */
export interface FileIndex {
  put(file: StoredFile): Promise<void>;
  get(id: string): Promise<StoredFile | null>;
  /** The owner's own files (no contract's documents), newest first. */
  listOf(owner: string): Promise<StoredFile[]>;
  /** A contract's documents, newest first. */
  listOfContract(contractNo: number): Promise<StoredFile[]>;
  remove(file: StoredFile): Promise<void>;
  /** Every record, for the orphan sweep. */
  all(): Promise<StoredFile[]>;
}
