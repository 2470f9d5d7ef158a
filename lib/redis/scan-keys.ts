import { Cluster } from 'ioredis';
import type { RedisClient } from './create-redis';

/**
 * Every key matching `pattern`, a batch at a time. A Cluster's SCAN sees one node only, so on a
 * Cluster every master is scanned in turn (replicas hold the same keys and are skipped).
 */
export async function scanKeys(redis: RedisClient, pattern: string, onBatch: (keys: string[]) => Promise<void>, count = 500): Promise<void> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (keys.length > 0) await onBatch(keys);
    } while (cursor !== '0');
  }
}
