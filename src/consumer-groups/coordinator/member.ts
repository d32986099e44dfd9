// One member of a consumer group and its reconciliation towards the target assignment
// (KIP-848's CurrentAssignmentBuilder). Cooperative and incremental: a member first gives up
// the partitions leaving it (UNREVOKED_PARTITIONS, its epoch unchanged) and only once its
// heartbeat shows it no longer owns them does it move to the target epoch; a partition it gains
// is granted only when no other member still holds it (UNRELEASED_PARTITIONS until then).
// Partitions that stay are never touched. See docs/consumer-groups.md.
import type { PartitionKey } from './partition-key';
import type { Subscription } from './subscription';

export type MemberState = 'stable' | 'unrevoked_partitions' | 'unreleased_partitions';

/** Partition → the member epoch at which it was given to this member (the commit fence's lower bound). */
export type EpochByPartition = ReadonlyMap<PartitionKey, number>;

export interface MemberAssignment {
  /** Invariant: memberEpoch <= the consumer group's target assignment epoch. */
  readonly memberEpoch: number;
  /** The epoch before the last change, accepted from a member whose previous response was lost. */
  readonly previousMemberEpoch: number;
  readonly state: MemberState;
  /** Partitions the member may consume now. Invariant: disjoint from pendingRevocation. */
  readonly assigned: EpochByPartition;
  /** Partitions the member must give up; it still owns them (and may commit them) until it does. */
  readonly pendingRevocation: EpochByPartition;
}

export interface ConsumerGroupMember extends MemberAssignment {
  readonly memberId: string;
  /** Static membership: an instance id keeps its assignment across restarts. '' when dynamic. */
  readonly instanceId: string;
  readonly rack: string;
  readonly subscription: Subscription;
  /** '' when the member has no preference. */
  readonly serverAssignor: string;
  readonly rebalanceTimeoutMs: number;
  /** A static member that sent epoch -2: it keeps its assignment until its session expires. */
  readonly staticLeft: boolean;
}

export const EMPTY_ASSIGNMENT: MemberAssignment = Object.freeze({
  memberEpoch: 0,
  previousMemberEpoch: 0,
  state: 'stable' as const,
  assigned: new Map<PartitionKey, number>(),
  pendingRevocation: new Map<PartitionKey, number>(),
});

export interface ReconcileInput {
  readonly target: ReadonlySet<PartitionKey>;
  readonly targetEpoch: number;
  /** True if another member holds the partition (assigned or pending revocation). */
  readonly heldByOther: (key: PartitionKey) => boolean;
  /** Partitions the member reported owning in this heartbeat; undefined when it did not say. */
  readonly owned: ReadonlySet<PartitionKey> | undefined;
}

/** The member's next assignment state; returns `cur` itself when nothing changes. */
export function reconcile(cur: MemberAssignment, input: ReconcileInput): MemberAssignment {
  // Partitions still being revoked count as held: if the newest target gives one back, it stays
  // (no revoke callback for a partition that does not move), and new revocations join the rest.
  const held = cur.pendingRevocation.size === 0 ? cur : { ...cur, assigned: new Map([...cur.assigned, ...cur.pendingRevocation]), pendingRevocation: new Map() };
  const next = advance(held, input);
  if (next.state !== 'unrevoked_partitions' || !revoked(next, input.owned)) return next;
  // The member no longer owns what it must give up (it may never have taken a partition whose
  // grant it did not hear of): the revocation is acknowledged, move on towards the target.
  return advance({ ...next, pendingRevocation: new Map() }, input);
}

function revoked(m: MemberAssignment, owned: ReadonlySet<PartitionKey> | undefined): boolean {
  return owned !== undefined && ![...m.pendingRevocation.keys()].some((key) => owned.has(key));
}

function advance(cur: MemberAssignment, input: ReconcileInput): MemberAssignment {
  const kept = new Map<PartitionKey, number>();
  const revoke = new Map<PartitionKey, number>();
  for (const [key, epoch] of cur.assigned) (input.target.has(key) ? kept : revoke).set(key, epoch);
  if (revoke.size > 0) {
    return { memberEpoch: cur.memberEpoch, previousMemberEpoch: cur.previousMemberEpoch, state: 'unrevoked_partitions', assigned: kept, pendingRevocation: revoke };
  }
  const epochChanges = cur.memberEpoch !== input.targetEpoch;
  const memberEpoch = input.targetEpoch;
  let unreleased = false;
  let gained = false;
  for (const key of input.target) {
    if (kept.has(key)) continue;
    if (input.heldByOther(key)) unreleased = true;
    else {
      kept.set(key, memberEpoch);
      gained = true;
    }
  }
  const state = unreleased ? 'unreleased_partitions' : 'stable';
  if (!epochChanges && !gained && state === cur.state && cur.pendingRevocation.size === 0) return cur;
  return {
    memberEpoch,
    previousMemberEpoch: epochChanges ? cur.memberEpoch : cur.previousMemberEpoch,
    state,
    assigned: kept,
    pendingRevocation: new Map(),
  };
}

/** Every partition the member holds: assigned ∪ pending revocation. */
export function heldPartitions(m: MemberAssignment): PartitionKey[] {
  return [...m.assigned.keys(), ...m.pendingRevocation.keys()];
}

export function sameAssignment(a: MemberAssignment, b: MemberAssignment): boolean {
  return (
    a.memberEpoch === b.memberEpoch &&
    a.previousMemberEpoch === b.previousMemberEpoch &&
    a.state === b.state &&
    sameEpochMap(a.assigned, b.assigned) &&
    sameEpochMap(a.pendingRevocation, b.pendingRevocation)
  );
}

function sameEpochMap(a: EpochByPartition, b: EpochByPartition): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
