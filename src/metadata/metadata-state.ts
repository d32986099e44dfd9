// The controller's replicated state: the registered brokers and every topic's partition
// assignment and config. Immutable: applyCommand returns a new state and never changes the old
// one, so a listener can diff the state before and after a command (see assignment-diff.ts).
import type { TopicConfig } from './topic-config';
import type { TopicMetadata } from './topic-registry';

export interface BrokerInfo {
  /** > 0, unique in the cluster. */
  readonly id: number;
  readonly host: string;
  /** The gRPC port (public API and the Raft transport). */
  readonly port: number;
  /** /metrics, /healthz, /readyz. */
  readonly httpPort: number;
  /** Failure domain for rack-aware placement; null when the broker names none. */
  readonly rack: string | null;
  /** When the broker first registered (from the proposer's clock; re-registering keeps it). */
  readonly registeredAtMs: number;
}

export interface PartitionAssignment {
  /** Broker ids holding a replica, distinct; the first is the preferred leader. Never empty. */
  readonly replicas: readonly number[];
}

export interface TopicState {
  readonly name: string;
  readonly internal: boolean;
  /** Index = partition number. Partitions are only ever added, never removed. */
  readonly partitions: readonly PartitionAssignment[];
  /** Replicas per partition for new partitions (CreatePartitions). */
  readonly replicationFactor: number;
  readonly config: TopicConfig;
  /** Tells a topic apart from an earlier one of the same name that was deleted. */
  readonly createdAtMs: number;
}

export interface MetadataState {
  /** Raft index of the last applied command (accepted or rejected); 0 before the first. */
  readonly version: number;
  readonly brokers: ReadonlyMap<number, BrokerInfo>;
  readonly topics: ReadonlyMap<string, TopicState>;
}

export const EMPTY_METADATA_STATE: MetadataState = Object.freeze({ version: 0, brokers: new Map(), topics: new Map() });

/** Broker ids in ascending order. */
export function brokerIds(state: MetadataState): number[] {
  return [...state.brokers.keys()].sort((a, b) => a - b);
}

/** The replicas of `topic`/`partition`, or undefined when there is no such partition. */
export function replicasOf(state: MetadataState, topic: string, partition: number): readonly number[] | undefined {
  return state.topics.get(topic)?.partitions[partition]?.replicas;
}

/** The view the broker's TopicRegistry interface uses. */
export function toTopicMetadata(topic: TopicState): TopicMetadata {
  return {
    name: topic.name,
    partitions: topic.partitions.length,
    replicationFactor: topic.replicationFactor,
    internal: topic.internal,
    config: topic.config,
    createdAtMs: topic.createdAtMs,
  };
}
