// The controller's replicated state: the registered brokers and every topic's partition
// assignment and config. Immutable: applyCommand returns a new state and never changes the old
// one, so a listener can diff the state before and after a command (cluster-registry.ts's topicChanges).
import type { TopicId } from '../common/topic-id';
import type { TopicConfig } from './topic-config';

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
  /** Being drained: new replicas are never placed on it (re-registering keeps the flag). */
  readonly draining: boolean;
}

export interface PartitionAssignment {
  /** Broker ids holding a replica, distinct; the first is the preferred leader. Never empty. */
  readonly replicas: readonly number[];
  /**
   * Brokers that held a replica and are no longer in `replicas` (ascending). They keep their copy
   * — it may still be a Raft voter — until the partition leader reports that the group's voters
   * equal `replicas` (CompleteReassignment). Empty when no move is under way.
   */
  readonly retiring: readonly number[];
  /**
   * False while the replicas are those the partition was created with. A broker creating a fresh
   * replica of such a partition bootstraps its Raft group with `replicas` as voters; after a
   * reassignment a fresh replica starts empty and waits for the leader to add it.
   */
  readonly reassigned: boolean;
}

/** A new partition's assignment. */
export const newAssignment = (replicas: readonly number[]): PartitionAssignment => ({ replicas, retiring: [], reassigned: false });

/** Whether `brokerId` keeps a copy of the partition (assigned, or retiring until the move finishes). */
export const holdsReplica = (assignment: PartitionAssignment, brokerId: number): boolean =>
  assignment.replicas.includes(brokerId) || assignment.retiring.includes(brokerId);

export interface TopicState {
  readonly name: string;
  readonly internal: boolean;
  /** Index = partition number. Partitions are only ever added, never removed. */
  readonly partitions: readonly PartitionAssignment[];
  /** Replicas per partition for new partitions (CreatePartitions). */
  readonly replicationFactor: number;
  readonly config: TopicConfig;
  /** The proposer's clock when the topic was created (shown to users; no longer its identity). */
  readonly createdAtMs: number;
  /**
   * The topic's identity (Kafka's topic id): tells it apart from an earlier or later topic of the
   * same name, names its partition directories, and marks its committed offsets.
   */
  readonly topicId: TopicId;
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

/** Ids of the brokers new replicas may go to (registered, not draining), ascending. */
export function placeableBrokerIds(state: MetadataState): number[] {
  return brokerIds(state).filter((id) => !state.brokers.get(id)!.draining);
}

/** The replicas of `topic`/`partition`, or undefined when there is no such partition. */
export function replicasOf(state: MetadataState, topic: string, partition: number): readonly number[] | undefined {
  return state.topics.get(topic)?.partitions[partition]?.replicas;
}
