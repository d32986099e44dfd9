// What one broker must do after the metadata changed: which local replicas to create, which to
// remove, which partitions' replica sets changed and which topics' configs changed. A topic
// deleted and re-created under the same name (different createdAtMs) is a removal of the old
// replicas plus a creation of the new ones.
import { holdsReplica, type MetadataState, type PartitionAssignment, type TopicState } from './metadata-state';
import type { TopicConfig } from './topic-config';

export interface ReplicaAssignment {
  readonly topic: string;
  readonly partition: number;
  /** Preferred leader first. */
  readonly replicas: readonly number[];
  /** Brokers that left `replicas` but keep their copy until the move completes (ascending). */
  readonly retiring: readonly number[];
  /**
   * False while the replicas are those the partition was created with: a fresh replica then
   * bootstraps its Raft group with `replicas` as voters. True: it starts empty and waits for the
   * partition leader to add it.
   */
  readonly reassigned: boolean;
  /** Tells incarnations of a topic name apart. */
  readonly topicCreatedAtMs: number;
}

export interface AssignmentDiff {
  /** Replicas this broker holds in `after` (in `replicas` or `retiring`) but not in `before`. */
  readonly create: readonly ReplicaAssignment[];
  /**
   * Replicas this broker held in `before` but not in `after` (the old assignment). A broker in
   * `retiring` still holds its copy: it is removed when it leaves `retiring` or the topic goes.
   */
  readonly remove: readonly ReplicaAssignment[];
  /** Replicas this broker holds in both, whose `replicas` list changed (the new assignment). */
  readonly membershipChanged: readonly ReplicaAssignment[];
  /** Topics with a replica on this broker in both states whose config changed. */
  readonly configChanged: readonly { readonly topic: string; readonly config: TopicConfig }[];
}

/** The changes `brokerId` must act on between `before` and `after`. Sorted by topic, then partition. */
export function diffAssignments(before: MetadataState, after: MetadataState, brokerId: number): AssignmentDiff {
  const create: ReplicaAssignment[] = [];
  const remove: ReplicaAssignment[] = [];
  const membershipChanged: ReplicaAssignment[] = [];
  const configChanged: { topic: string; config: TopicConfig }[] = [];
  const names = [...new Set([...before.topics.keys(), ...after.topics.keys()])].sort();
  for (const name of names) {
    const old = before.topics.get(name);
    const now = after.topics.get(name);
    if (old && now && old.createdAtMs !== now.createdAtMs) {
      remove.push(...held(old, brokerId));
      create.push(...held(now, brokerId));
      continue;
    }
    if (old === now) continue;
    if (!now) { remove.push(...held(old!, brokerId)); continue; }
    if (!old) { create.push(...held(now, brokerId)); continue; }
    let holdsInBoth = false;
    const count = Math.max(old.partitions.length, now.partitions.length);
    for (let partition = 0; partition < count; partition++) {
      const was = old.partitions[partition]?.replicas ?? [];
      const is = now.partitions[partition]?.replicas ?? [];
      // A retiring broker still holds its copy until the move completes.
      const hadIt = holds(old.partitions[partition], brokerId);
      const hasIt = holds(now.partitions[partition], brokerId);
      if (hasIt && !hadIt) create.push(assignment(now, partition));
      else if (hadIt && !hasIt) remove.push(assignment(old, partition));
      else if (hadIt && hasIt) {
        holdsInBoth = true;
        if (!sameList(was, is)) membershipChanged.push(assignment(now, partition));
      }
    }
    if (holdsInBoth && old.config !== now.config && !sameConfig(old.config, now.config)) configChanged.push({ topic: name, config: now.config });
  }
  return { create, remove, membershipChanged, configChanged };
}

function held(topic: TopicState, brokerId: number): ReplicaAssignment[] {
  const out: ReplicaAssignment[] = [];
  topic.partitions.forEach((p, partition) => {
    if (holdsReplica(p, brokerId)) out.push(assignment(topic, partition));
  });
  return out;
}

function assignment(topic: TopicState, partition: number): ReplicaAssignment {
  const { replicas, retiring, reassigned } = topic.partitions[partition]!;
  return { topic: topic.name, partition, replicas, retiring, reassigned, topicCreatedAtMs: topic.createdAtMs };
}

const holds = (assigned: PartitionAssignment | undefined, brokerId: number): boolean => assigned !== undefined && holdsReplica(assigned, brokerId);

const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function sameConfig(a: TopicConfig, b: TopicConfig): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof TopicConfig>;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}
