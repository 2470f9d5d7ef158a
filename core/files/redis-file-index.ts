import type { RedisClient } from '../../lib/redis/create-redis';
import { scanKeys } from '../../lib/redis/scan-keys';
import type { FileIndex, StoredFile } from './file-index';

/**
 * `<prefix>file:<id>` holds the record, `<prefix>owner:<sub>` the owner's ids by upload time (a
 * contract's documents: `<prefix>contract:<no>` instead). Every
 * command touches one key, so it runs on a Redis Cluster too. The record is written before the
 * owner's list and removed after it: a failure in between leaves a record nobody lists (the files
 * sweep finds it through `all()`), never a listed id without a record.
 */
export function redisFileIndex(redis: RedisClient, prefix: string): FileIndex {
  const fileKey = (id: string) => `${prefix}file:${id}`;
  const ownerKey = (owner: string) => `${prefix}owner:${owner}`;
  const listKey = (file: StoredFile) => (file.contractNo === undefined ? ownerKey(file.owner) : `${prefix}contract:${file.contractNo}`);
  const records = async (key: string) => {
    const ids = await redis.zrevrange(key, 0, 999);
    if (ids.length === 0) return [];
    const found = await Promise.all(ids.map((id) => redis.get(fileKey(id))));
    return found.flatMap((json) => (json ? [JSON.parse(json) as StoredFile] : []));
  };
  return {
    async put(file) {
      await redis.set(fileKey(file.id), JSON.stringify(file));
      await redis.zadd(listKey(file), Date.parse(file.createdAt), file.id);
    },
    async get(id) {
      const json = await redis.get(fileKey(id));
      return json ? (JSON.parse(json) as StoredFile) : null;
    },
    listOf: (owner) => records(ownerKey(owner)),
    listOfContract: (contractNo) => records(`${prefix}contract:${contractNo}`),
    async remove(file) {
      await redis.zrem(listKey(file), file.id);
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
