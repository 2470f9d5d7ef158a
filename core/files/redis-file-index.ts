import type { Redis } from 'ioredis';
import type { FileIndex, StoredFile } from './file-index';

/** `<prefix>file:<id>` holds the record, `<prefix>owner:<sub>` the owner's ids by upload time. */
export function redisFileIndex(redis: Redis, prefix: string): FileIndex {
  const fileKey = (id: string) => `${prefix}file:${id}`;
  const ownerKey = (owner: string) => `${prefix}owner:${owner}`;
  return {
    async put(file) {
      await redis.multi().set(fileKey(file.id), JSON.stringify(file)).zadd(ownerKey(file.owner), Date.parse(file.createdAt), file.id).exec();
    },
    async get(id) {
      const json = await redis.get(fileKey(id));
      return json ? (JSON.parse(json) as StoredFile) : null;
    },
    async listOf(owner) {
      const ids = await redis.zrevrange(ownerKey(owner), 0, 999);
      if (ids.length === 0) return [];
      const records = await redis.mget(ids.map(fileKey));
      return records.flatMap((json) => (json ? [JSON.parse(json) as StoredFile] : []));
    },
    async remove(file) {
      await redis.multi().del(fileKey(file.id)).zrem(ownerKey(file.owner), file.id).exec();
    },
    async all() {
      const found: StoredFile[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}file:*`, 'COUNT', 500);
        cursor = next;
        const records = keys.length ? await redis.mget(keys) : [];
        for (const json of records) if (json) found.push(JSON.parse(json) as StoredFile);
      } while (cursor !== '0');
      return found;
    },
  };
}
