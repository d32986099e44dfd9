// Where a record without an explicit partition goes: by key with murmur2 (Kafka's default
// partitioner, so keyed records land where a Kafka client would put them), keyless records
// sticking to one partition until its batch is sealed (KIP-480), or plain round robin.
import { partitionForKey } from '../protocol/murmur2';
import type { Message } from './types';

export class ProducerPartitioner {
  private readonly stickyPartition = new Map<string, number>();
  private roundRobin = 0;

  constructor(private readonly strategy: 'murmur2' | 'round-robin') {}

  /** The partition for `message` of `topic`, which has `count` partitions. */
  choose(topic: string, message: Message, count: number): number {
    if (message.partition !== undefined) return message.partition;
    const key = message.key;
    if (this.strategy === 'murmur2' && key != null) {
      return partitionForKey(typeof key === 'string' ? Buffer.from(key) : key, count);
    }
    if (this.strategy === 'round-robin') return this.roundRobin++ % count;
    let sticky = this.stickyPartition.get(topic);
    if (sticky === undefined || sticky >= count) {
      sticky = this.roundRobin++ % count;
      this.stickyPartition.set(topic, sticky);
    }
    return sticky;
  }

  /** A batch of `topic`/`partition` was sealed (full or lingered): keyless records move on. */
  sealed(topic: string, partition: number): void {
    if (this.stickyPartition.get(topic) === partition) this.stickyPartition.delete(topic);
  }
}
