// What the application paused with consumer.pause() (KafkaJS's shape: `[{ topic, partitions? }]`,
// no partitions = the whole topic, including partitions assigned later). A paused partition stays
// assigned (its member keeps heartbeating; no rebalance) but is neither fetched nor handed out;
// docs/client.md.
import { partitionKey, type TopicPartition } from '../common/ids';
import { SluiceClientStateError } from './errors';

export interface TopicPartitions {
  readonly topic: string;
  /** Omitted: every partition of the topic. */
  readonly partitions?: readonly number[];
}

export class PausedPartitions {
  private readonly topics = new Set<string>();
  /** topic → paused partitions (of topics not paused as a whole). */
  private readonly partitions = new Map<string, Set<number>>();

  pause(list: readonly TopicPartitions[]): void {
    for (const { topic, partitions } of checked('pause', list)) {
      if (partitions === undefined) {
        this.topics.add(topic);
        this.partitions.delete(topic);
      } else if (!this.topics.has(topic)) {
        const set = this.partitions.get(topic) ?? new Set();
        for (const p of partitions) set.add(p);
        this.partitions.set(topic, set);
      }
    }
  }

  /** Lifts pauses. A partition of a topic paused as a whole resumes only with the whole topic. */
  resume(list: readonly TopicPartitions[]): void {
    for (const { topic, partitions } of checked('resume', list)) {
      if (partitions === undefined) {
        this.topics.delete(topic);
        this.partitions.delete(topic);
        continue;
      }
      const set = this.partitions.get(topic);
      for (const p of partitions) set?.delete(p);
      if (set?.size === 0) this.partitions.delete(topic);
    }
  }

  isPaused(tp: TopicPartition): boolean {
    return this.topics.has(tp.topic) || (this.partitions.get(tp.topic)?.has(tp.partition) ?? false);
  }

  /** What is paused, as KafkaJS's consumer.paused() lists it. */
  list(): TopicPartitions[] {
    return [...[...this.topics].map((topic) => ({ topic })), ...[...this.partitions].map(([topic, set]) => ({ topic, partitions: [...set].sort((a, b) => a - b) }))];
  }

  /** Keys of the partitions paused now among `tps` (to compare before and after a resume). */
  pausedKeys(tps: Iterable<TopicPartition>): Set<string> {
    return new Set([...tps].filter((tp) => this.isPaused(tp)).map(partitionKey));
  }
}

function checked(method: 'pause' | 'resume', list: readonly TopicPartitions[]): readonly TopicPartitions[] {
  if (!Array.isArray(list)) throw new SluiceClientStateError(`${method}() takes a list of { topic, partitions? }, e.g. ${method}([{ topic: 'orders', partitions: [0] }])`);
  for (const item of list) {
    const topic: unknown = (item as Partial<TopicPartitions> | null)?.topic;
    if (typeof topic !== 'string' || topic === '') throw new SluiceClientStateError(`${method}(): topic ${JSON.stringify(topic ?? null)} is invalid: give a topic name, e.g. ${method}([{ topic: 'orders' }])`);
    const partitions: unknown = item.partitions;
    if (partitions === undefined) continue;
    if (!Array.isArray(partitions)) throw new SluiceClientStateError(`${method}(): partitions of topic ${JSON.stringify(topic)} must be a list of partition numbers, or omitted for the whole topic`);
    for (const p of partitions) {
      if (!Number.isSafeInteger(p) || (p as number) < 0) throw new SluiceClientStateError(`${method}(): partition ${String(p)} of topic ${JSON.stringify(topic)} is invalid: use integers >= 0`);
    }
  }
  return list;
}
