import type { Admin } from '@platformatic/kafka';

/** Kafka's ListOffsets timestamps: the next offset to be written, and the first one still kept. */
const LATEST = -1n;
const EARLIEST = -2n;

/** Each partition of a topic with its first kept offset (`low`) and the next to be written (`high`). */
export async function kafkaTopicOffsets(admin: Admin, topic: string): Promise<{ partition: number; low: bigint; high: bigint }[]> {
  const meta = await admin.metadata({ topics: [topic] });
  const count = meta.topics.get(topic)?.partitionsCount ?? 0;
  const at = async (timestamp: bigint) => {
    const [listed] = await admin.listOffsets({ topics: [{ name: topic, partitions: Array.from({ length: count }, (_, partitionIndex) => ({ partitionIndex, timestamp })) }] });
    return new Map((listed?.partitions ?? []).map((p) => [p.partitionIndex, p.offset]));
  };
  const [lows, highs] = [await at(EARLIEST), await at(LATEST)];
  return Array.from({ length: count }, (_, partition) => ({ partition, low: lows.get(partition) ?? 0n, high: highs.get(partition) ?? 0n }));
}
