import type { FileIndex, StoredFile } from './file-index';

/** The in-process fallback when Redis is absent (dev only): one instance sees its own uploads. */
export function memoryFileIndex(): FileIndex {
  const files = new Map<string, StoredFile>();
  return {
    async put(file) {
      files.set(file.id, file);
    },
    async get(id) {
      return files.get(id) ?? null;
    },
    async listOf(owner) {
      return [...files.values()].filter((f) => f.owner === owner && f.contractNo === undefined).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    async listOfContract(contractNo) {
      return [...files.values()].filter((f) => f.contractNo === contractNo).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    async remove(file) {
      files.delete(file.id);
    },
    async all() {
      return [...files.values()];
    },
  };
}
