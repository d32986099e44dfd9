// The invariants of issue 31, checked by the consumer-group simulator after every input.
import type { ConsumerGroupSnapshot } from '../../../src/consumer-groups/coordinator/consumer-group';
import { heldPartitions } from '../../../src/consumer-groups/coordinator/member';
import { partitionKey, type PartitionKey, type TopicMetadata } from '../../../src/consumer-groups/coordinator/partition-key';
import { resolveSubscription } from '../../../src/consumer-groups/coordinator/subscription';

export class InvariantViolation extends Error {}

function fail(message: string): never {
  throw new InvariantViolation(message);
}

/** No partition is ever in two members' (assigned ∪ pending revocation) sets. */
export function checkSingleOwner(s: ConsumerGroupSnapshot): void {
  const holder = new Map<PartitionKey, string>();
  for (const [id, m] of s.members) {
    for (const key of heldPartitions(m)) {
      const other = holder.get(key);
      if (other !== undefined) fail(`partition ${key} is held by both ${other} and ${id}`);
      holder.set(key, id);
    }
  }
}

/** Once the consumer group is stable, every partition of every subscribed topic is assigned. */
export function checkStableCoversAll(state: string, s: ConsumerGroupSnapshot, topics: TopicMetadata): void {
  if (state !== 'stable') return;
  const assigned = new Set<PartitionKey>();
  for (const m of s.members.values()) for (const key of m.assigned.keys()) assigned.add(key);
  for (const m of s.members.values()) {
    for (const topic of resolveSubscription(m.subscription, topics, undefined)) {
      for (let p = 0; p < topics.get(topic)!; p++) {
        if (!assigned.has(partitionKey(topic, p))) fail(`consumer group is stable but ${topic}:${p}, subscribed by ${m.memberId}, is not assigned`);
      }
    }
  }
}

/** A member is told to give up a partition only when the target moved it away. */
export function checkRevocationNeeded(memberId: string, takenAway: readonly PartitionKey[], s: ConsumerGroupSnapshot): void {
  const target = s.target.get(memberId);
  for (const key of takenAway) if (target?.has(key)) fail(`member ${memberId} was told to revoke ${key}, which stays in its target`);
}

/**
 * With `uniform` and identical subscriptions, a target change with no topic change moves no more
 * partitions between surviving members than balancing needs: Σ max(0, kept_i − ⌊P/N⌋) minus the
 * ⌈P/N⌉ slots the fullest members may keep. Returns whether the case applied (for the stats).
 */
export function checkMinimalMovement(before: ConsumerGroupSnapshot, after: ConsumerGroupSnapshot): boolean {
  if (after.targetAssignmentEpoch === before.targetAssignmentEpoch || after.members.size === 0) return false;
  if (!sameCounts(before.subscribedTopics, after.subscribedTopics)) return false;
  const subs = [...after.members.values(), ...before.members.values()].map((m) => JSON.stringify(m.subscription));
  if (new Set(subs).size > 1) return false;
  let total = 0;
  for (const n of after.subscribedTopics.values()) total += n;
  const floor = Math.floor(total / after.members.size);
  const ceilSlots = total % after.members.size;
  let excess = 0;
  let aboveFloor = 0;
  let moved = 0;
  for (const [id, prev] of before.target) {
    const now = after.target.get(id);
    if (now === undefined || !after.members.has(id)) continue;
    const kept = prev.size;
    excess += Math.max(0, kept - floor);
    if (kept > floor) aboveFloor++;
    for (const key of prev) if (!now.has(key)) moved++;
  }
  const needed = excess - Math.min(ceilSlots, aboveFloor);
  if (moved > needed) fail(`uniform moved ${moved} partitions between surviving members where ${needed} suffice (${after.members.size} members, ${total} partitions)`);
  return true;
}

function sameCounts(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  return a.size === b.size && [...a].every(([t, n]) => b.get(t) === n);
}
