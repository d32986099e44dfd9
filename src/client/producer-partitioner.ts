// Where a record without an explicit partition goes: by key with murmur2 (Kafka's default
// partitioner, so keyed records land where a Kafka client would put them), keyless records
// sticking to one partition until its batch is sealed or cannot go (KIP-480), or plain round robin.
// A new sticky partition skips partitions whose batches are not draining (KIP-794's aim, by the
// simplest rule): a stalled leader must not soak up every keyless record (docs/client.md,
// "A leader that stops answering").
import { partitionForKey } from '../protocol/murmur2';
import type { Message } from './types';

export class ProducerPartitioner {
  private readonly stickyPartition = new Map<string, number>();
  private roundRobin = 0;

  constructor(
    private readonly strategy: 'murmur2' | 'round-robin',
    /** Whether `partition` of `topic` has every request slot taken or is resending after a failure. */
    private readonly notDraining: (topic: string, partition: number) => boolean = () => false,
  ) {}

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
      sticky = this.nextSticky(topic, count);
      this.stickyPartition.set(topic, sticky);
    }
    return sticky;
  }

  /** A batch of `topic`/`partition` was sealed (full or lingered) or cannot go yet: keyless records move on. */
  moveOn(topic: string, partition: number): void {
    if (this.stickyPartition.get(topic) === partition) this.stickyPartition.delete(topic);
  }

  /** The next partition in turn that drains; when none does, the next in turn. */
  private nextSticky(topic: string, count: number): number {
    const first = this.roundRobin++ % count;
    for (let i = 0; i < count; i++) {
      const candidate = (first + i) % count;
      if (!this.notDraining(topic, candidate)) return candidate;
    }
    return first;
  }
}
