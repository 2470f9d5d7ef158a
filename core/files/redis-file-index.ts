import type { RedisClient } from '../../lib/redis/create-redis';
import { scanKeys } from '../../lib/redis/scan-keys';
import type { FileIndex, StoredFile } from './file-index';

/**
 * `<prefix>file:<id>` holds the record, `<prefix>owner:<sub>` the owner's ids by upload time. Every
 * command touches one key, so it runs on a Redis Cluster too. The record is written before the
 * owner's list and removed after it: a failure in between leaves a record nobody lists (the files
 * sweep finds it through `all()`), never a listed id without a record.
 */
export function redisFileIndex(redis: RedisClient, prefix: string): FileIndex {
  const fileKey = (id: string) => `${prefix}file:${id}`;
  const ownerKey = (owner: string) => `${prefix}owner:${owner}`;
  return {
    async put(file) {
      await redis.set(fileKey(file.id), JSON.stringify(file));
      await redis.zadd(ownerKey(file.owner), Date.parse(file.createdAt), file.id);
    },
    async get(id) {
      const json = await redis.get(fileKey(id));
      return json ? (JSON.parse(json) as StoredFile) : null;
    },
    async listOf(owner) {
      const ids = await redis.zrevrange(ownerKey(owner), 0, 999);
      if (ids.length === 0) return [];
      const records = await Promise.all(ids.map((id) => redis.get(fileKey(id))));
      return records.flatMap((json) => (json ? [JSON.parse(json) as StoredFile] : []));
    },
    async remove(file) {
      await redis.zrem(ownerKey(file.owner), file.id);
      await redis.del(fileKey(file.id));
    },
    async all() {
      const found: StoredFile[] = [];
      await scanKeys(redis, `${prefix}file:*`, async (keys) => {
        const records = await Promise.all(keys.map((key) => redis.get(key)));
        for (const json of records) if (json) found.push(JSON.parse(json) as StoredFile);
      });
      return found;
    },
  };
}
