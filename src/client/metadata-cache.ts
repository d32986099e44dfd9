// What the client knows about the cluster: the bootstrap brokers, each topic's partition count
// and each partition's leader address. Today every partition's leader is the broker we are
// connected to, unless a NOT_LEADER answer named another (`leader_hint`); when the API grows
// leader addresses, only this file has to learn them.
import { ErrorCode } from '../common/errors';
import { partitionKey, type TopicPartition } from '../common/ids';
import type { ConnectionPool } from './connection-pool';
import { SluiceClientStateError, SluiceTopicError } from './errors';

interface TopicDescriptionWire {
  name: string;
  errorCode: number;
  errorMessage: string;
  partitions: { partition: number }[];
}

export class MetadataCache {
  private bootstrapIndex = 0;
  private readonly leaders = new Map<string, string>();
  private readonly partitionCounts = new Map<string, number>();
  /** Lookups under way, shared by every caller that misses the cache meanwhile. */
  private readonly pendingCounts = new Map<string, Promise<number>>();

  constructor(
    private readonly brokers: readonly string[],
    private readonly pool: ConnectionPool,
    private readonly requestTimeoutMs: number,
  ) {
    if (brokers.length === 0) throw new SluiceClientStateError('no brokers given: pass brokers: ["host:port", ...]');
  }

  /** The broker used for requests that any broker can answer (admin, groups, metadata). */
  bootstrapAddress(): string {
    return this.brokers[this.bootstrapIndex % this.brokers.length]!;
  }

  /** Moves to the next bootstrap broker after `address` failed to answer. */
  markUnavailable(address: string): void {
    if (this.bootstrapAddress() === address) this.bootstrapIndex++;
    for (const [key, leader] of this.leaders) if (leader === address) this.leaders.delete(key);
  }

  leaderFor(tp: TopicPartition): string {
    return this.leaders.get(partitionKey(tp)) ?? this.bootstrapAddress();
  }

  /** Records a NOT_LEADER answer: use `hint` when given, else forget what we knew. */
  noteNotLeader(tp: TopicPartition, hint: string | undefined): void {
    if (hint) this.leaders.set(partitionKey(tp), hint);
    else this.leaders.delete(partitionKey(tp));
  }

  cachedPartitionCount(topic: string): number | undefined {
    return this.partitionCounts.get(topic);
  }

  /** The partition count of `topic` (DescribeTopics on a miss). Throws SluiceTopicError. */
  partitionCount(topic: string, refresh = false): Promise<number> {
    const cached = this.partitionCounts.get(topic);
    if (cached !== undefined && !refresh) return Promise.resolve(cached);
    let pending = this.pendingCounts.get(topic);
    if (!pending) {
      pending = this.describePartitionCount(topic).finally(() => this.pendingCounts.delete(topic));
      this.pendingCounts.set(topic, pending);
    }
    return pending;
  }

  private async describePartitionCount(topic: string): Promise<number> {
    const address = this.bootstrapAddress();
    const response = await this.pool.get(address).call<{ topics: TopicDescriptionWire[] }>(
      'sluice.v1.Admin', 'describeTopics', { names: [topic] }, this.requestTimeoutMs,
    );
    const description = response.topics.find((t) => t.name === topic);
    if (!description) throw new SluiceTopicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, topic, 'the broker did not describe it');
    if (description.errorCode !== ErrorCode.NONE) throw new SluiceTopicError(description.errorCode, topic, description.errorMessage);
    const count = description.partitions.length;
    if (count === 0) throw new SluiceTopicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, topic, 'the topic has no partitions');
    this.partitionCounts.set(topic, count);
    return count;
  }

  forgetTopic(topic: string): void {
    this.partitionCounts.delete(topic);
  }
}
