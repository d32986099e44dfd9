// The topics a broker knows, as the broker's handlers and partition manager see them. The one
// implementation is the cluster registry (src/broker/cluster/cluster-registry.ts), fed by the
// metadata group's log: a single broker is a one-broker cluster.
import { legacyTopicId, type TopicId } from '../common/topic-id';
import type { PartitionAssignment } from './metadata-state';
import type { TopicConfig } from './topic-config';

export interface TopicMetadata {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly internal: boolean;
  readonly config: TopicConfig;
  readonly createdAtMs: number;
  /** The topic's identity (see TopicState.topicId). */
  readonly topicId: TopicId;
}

/** Whether the topic was created before topics had ids (its id is derived from its name and creation time). */
export const createdWithoutId = (topic: TopicMetadata): boolean => topic.topicId === legacyTopicId(topic.name, topic.createdAtMs);

export type TopicChange =
  | { readonly type: 'created'; readonly topic: TopicMetadata }
  | { readonly type: 'updated'; readonly topic: TopicMetadata; readonly previous: TopicMetadata }
  | { readonly type: 'deleted'; readonly topic: TopicMetadata };

/** The topics a broker knows (changed only by metadata commands: src/broker/handlers/metadata-proposal.ts). */
export interface TopicRegistry {
  list(): TopicMetadata[];
  get(name: string): TopicMetadata | undefined;
  /** Broker ids holding replicas of a partition, preferred leader first. */
  replicas(topic: string, partition: number): readonly number[];
  /**
   * The partition's assignment, including brokers still holding a copy while a reassignment
   * removes them (`retiring`), and whether it was ever reassigned.
   */
  assignment(topic: string, partition: number): PartitionAssignment | undefined;
  /** Number of brokers that can hold replicas. */
  brokerCount(): number;
  onChange(listener: (change: TopicChange) => Promise<void>): void;
}
