// Server-side assignors: given the members, what each is subscribed to, and the previous target
// assignment, compute the next target assignment. Pure and deterministic (members and partitions
// are visited in sorted order), so every coordinator computes the same answer from the same input.
import type { PartitionKey, TopicMetadata } from './partition-key';

export interface AssignorMember {
  /** Existing topics this member's subscription resolves to, sorted. */
  readonly topics: readonly string[];
  /** The member's partitions in the previous target assignment (for stickiness). */
  readonly previousTarget: ReadonlySet<PartitionKey>;
}

export interface AssignmentSpec {
  /** Member id → member. */
  readonly members: ReadonlyMap<string, AssignorMember>;
  /** Partition counts of every topic some member is subscribed to. */
  readonly topics: TopicMetadata;
}

/** Member id → its partitions. Every member of the spec has an entry; no partition appears twice. */
export type TargetAssignment = Map<string, Set<PartitionKey>>;

export interface ConsumerGroupAssignor {
  readonly name: string;
  assign(spec: AssignmentSpec): TargetAssignment;
}
