import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isFileId } from './file-id';
import type { FileStorage } from './file-storage';

/** A partial file untouched this long belongs to a process that died mid-upload. */
const STALE_PARTIAL_MS = 60 * 60 * 1000;

async function sweepStalePartials(partialDir: string): Promise<void> {
  const names = await fsp.readdir(partialDir).catch(() => [] as string[]);
  const now = Date.now();
  await Promise.all(
    names.map(async (name) => {
      const file = path.join(partialDir, name);
      const stat = await fsp.stat(file).catch(() => null);
      if (stat && now - stat.mtimeMs > STALE_PARTIAL_MS) await fsp.rm(file, { force: true });
    }),
  );
}

/**
 * Renames a complete file into its folder, made if missing. `remove` takes an emptied folder away,
 * in this process or another instance, so it may vanish between the two steps: then again.
 */
async function moveIntoPlace(partial: string, final: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await fsp.mkdir(path.dirname(final), { recursive: true });
    try {
      return await fsp.rename(partial, final);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5 || !fs.existsSync(partial)) throw err;
    }
  }
}

/**
 * Files on a local (or shared network) disk: `<dir>/<first two hex digits>/<id>`. Bytes are
 * written to `<dir>/.partial/<id>.part` and renamed into place only once complete, so a reader —
 * in this process or another instance — never sees half a file.
 */
export function localDiskStorage(dir: string): FileStorage {
  const partialDir = path.join(dir, '.partial');
  fs.mkdirSync(partialDir, { recursive: true });
  void sweepStalePartials(partialDir);

  const located = (id: string, suffix = '') => {
    // Ids are made by newFileId(); anything else reaching here is a bug, never a path.
    if (!isFileId(id)) throw new Error('invalid file id');
    return suffix ? path.join(partialDir, id + suffix) : path.join(dir, id.slice(0, 2), id);
  };

  return {
    async save(id, content) {
      const partial = located(id, '.part');
      const final = located(id);
      let size = 0;
      try {
        await pipeline(
          content,
          async function* count(source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              size += chunk.length;
              yield chunk;
            }
          },
          fs.createWriteStream(partial, { flags: 'wx' }),
        );
        await moveIntoPlace(partial, final);
        return { size };
      } catch (err) {
        await fsp.rm(partial, { force: true });
        throw err;
      }
    },
    async open(id, range) {
      // Opened before any byte is sent, so a missing file is a 404 rather than a cut response.
      const handle = await fsp.open(located(id), 'r').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null;
        throw err;
      });
      return handle?.createReadStream(range ? { start: range.start, end: range.end } : {}) ?? null;
    },
    async remove(id) {
      const file = located(id);
      await fsp.rm(file, { force: true });
      // Nothing left behind (a refused upload's first file, a delete): its folder goes with the last file in it.
      await fsp.rmdir(path.dirname(file)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST' && err.code !== 'ENOENT') throw err;
      });
    },
    async list() {
      const found: { id: string; modifiedAt: number }[] = [];
      for (const shard of await fsp.readdir(dir)) {
        if (!/^[0-9a-f]{2}$/.test(shard)) continue;
        for (const name of await fsp.readdir(path.join(dir, shard)).catch(() => [] as string[])) {
          if (!isFileId(name) || !name.startsWith(shard)) continue;
          const stat = await fsp.stat(path.join(dir, shard, name)).catch(() => null);
          if (stat?.isFile()) found.push({ id: name, modifiedAt: stat.mtimeMs });
        }
      }
      return found;
    },
  };
}
