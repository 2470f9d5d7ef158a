import type { FileIndex } from './file-index';
import type { FileStorage } from './file-storage';

export interface FileSweepReport {
  /** Records whose bytes are gone (a lost disk, a half-finished delete): unreachable downloads. */
  missingFiles: string[];
  /** Stored bytes no record points at (a crash between save and record): disk nobody can reach. */
  orphanFiles: string[];
  /** What `clean` removed. */
  removed: { records: number; files: number };
}

/**
 * Compares the file index with the storage. Reports both kinds of drift; with `clean`, removes
 * the records without bytes and the bytes without a record. Bytes younger than `graceMs` are left
 * alone: an upload in progress has its bytes saved a moment before its record is written.
 */
export async function sweepFiles(files: { storage: FileStorage; index: FileIndex }, options: { clean: boolean; graceMs: number; now?: number }): Promise<FileSweepReport> {
  const now = options.now ?? Date.now();
  const [records, stored] = await Promise.all([files.index.all(), files.storage.list()]);
  const storedIds = new Set(stored.map((s) => s.id));
  const recordIds = new Set(records.map((r) => r.id));
  const missing = records.filter((r) => !storedIds.has(r.id));
  const orphans = stored.filter((s) => !recordIds.has(s.id) && now - s.modifiedAt >= options.graceMs);
  const removed = { records: 0, files: 0 };
  if (options.clean) {
    for (const record of missing) await files.index.remove(record).then(() => removed.records++);
    for (const orphan of orphans) await files.storage.remove(orphan.id).then(() => removed.files++);
  }
  return { missingFiles: missing.map((r) => r.id).sort(), orphanFiles: orphans.map((o) => o.id).sort(), removed };
}
