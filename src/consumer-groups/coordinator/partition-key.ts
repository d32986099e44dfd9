// How the consumer-group coordinator names one partition of one topic. Internally a partition is a
// `PartitionKey` string ("topic:partition"; topic names cannot contain ':'), so sets and maps of
// partitions are plain JavaScript collections; on the edges (requests, responses, records) it is
// the readable `TopicPartitions` list form. See docs/consumer-groups.md.

export type PartitionKey = string & { readonly __brand: 'PartitionKey' };

/** The partitions of one topic, as requests, responses and records carry them. */
export interface TopicPartitions {
  readonly topic: string;
  /** Partition numbers, sorted ascending, without duplicates. */
  readonly partitions: readonly number[];
}

export function partitionKey(topic: string, partition: number): PartitionKey {
  return `${topic}:${partition}` as PartitionKey;
}

export function parsePartitionKey(key: PartitionKey): { topic: string; partition: number } {
  const at = key.lastIndexOf(':');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}

export function keysOf(list: readonly TopicPartitions[]): Set<PartitionKey> {
  const keys = new Set<PartitionKey>();
  for (const tp of list) for (const p of tp.partitions) keys.add(partitionKey(tp.topic, p));
  return keys;
}

/** The list form of a set of keys: topics sorted by name, partitions ascending. */
export function listOf(keys: Iterable<PartitionKey>): TopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const key of keys) {
    const { topic, partition } = parsePartitionKey(key);
    const list = byTopic.get(topic) ?? [];
    list.push(partition);
    byTopic.set(topic, list);
  }
  return [...byTopic.keys()].sort().map((topic) => ({ topic, partitions: byTopic.get(topic)!.sort((a, b) => a - b) }));
}

/** Compares keys by topic name, then by partition number (a deterministic order for assignors). */
export function compareKeys(a: PartitionKey, b: PartitionKey): number {
  const x = parsePartitionKey(a);
  const y = parsePartitionKey(b);
  if (x.topic !== y.topic) return x.topic < y.topic ? -1 : 1;
  return x.partition - y.partition;
}

/** Topic name → partition count, as the metadata layer reports it. */
export type TopicMetadata = ReadonlyMap<string, number>;
