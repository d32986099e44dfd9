// The `uniform` assignor (Kafka's UniformAssignor idea): balanced and sticky. Every member keeps
// the partitions of its previous target that still exist and that it is still subscribed to;
// unowned partitions go to the eligible member with the fewest; then, while some member has at
// least two more partitions than another member that could take one of them, one partition moves
// from the fullest to the emptiest. With identical subscriptions this ends with counts differing
// by at most one after the fewest possible moves (each move lowers the excess by exactly one,
// and no member already at its share gives one up). See docs/consumer-groups.md.
import type { AssignmentSpec, ConsumerGroupAssignor, TargetAssignment } from './assignor';
import { compareKeys, parsePartitionKey, partitionKey, type PartitionKey } from './partition-key';

export class UniformAssignor implements ConsumerGroupAssignor {
  readonly name = 'uniform';

  assign(spec: AssignmentSpec): TargetAssignment {
    const memberIds = [...spec.members.keys()].sort();
    const out: TargetAssignment = new Map(memberIds.map((id) => [id, new Set<PartitionKey>()]));
    const subscribed = new Map(memberIds.map((id) => [id, new Set(spec.members.get(id)!.topics)]));
    const owned = new Set<PartitionKey>();

    // Keep what is still valid, in key order so that a (malformed) duplicate goes to the first id.
    for (const id of memberIds) {
      for (const key of [...spec.members.get(id)!.previousTarget].sort(compareKeys)) {
        const { topic, partition } = parsePartitionKey(key);
        const count = spec.topics.get(topic);
        if (count === undefined || partition >= count || !subscribed.get(id)!.has(topic) || owned.has(key)) continue;
        out.get(id)!.add(key);
        owned.add(key);
      }
    }

    // Give every unowned partition to the least loaded member that subscribes to its topic.
    for (const [topic, count] of [...spec.topics].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const eligible = memberIds.filter((id) => subscribed.get(id)!.has(topic));
      if (eligible.length === 0) continue;
      for (let p = 0; p < count; p++) {
        const key = partitionKey(topic, p);
        if (owned.has(key)) continue;
        const to = leastLoaded(eligible, out);
        out.get(to)!.add(key);
        owned.add(key);
      }
    }

    // Balance: move from the fullest to the emptiest member that can take one of its partitions.
    for (;;) {
      const move = findMove(memberIds, out, subscribed);
      if (move === null) break;
      out.get(move.from)!.delete(move.key);
      out.get(move.to)!.add(move.key);
    }
    return out;
  }
}

function leastLoaded(candidates: readonly string[], out: TargetAssignment): string {
  let best = candidates[0]!;
  for (const id of candidates) if (out.get(id)!.size < out.get(best)!.size) best = id;
  return best;
}

/**
 * One move that lowers the imbalance, or null when none is possible. Each move strictly lowers
 * the sum of squared counts, so the balancing loop ends.
 */
function findMove(memberIds: readonly string[], out: TargetAssignment, subscribed: ReadonlyMap<string, ReadonlySet<string>>): { from: string; to: string; key: PartitionKey } | null {
  const bySizeDesc = [...memberIds].sort((a, b) => out.get(b)!.size - out.get(a)!.size || (a < b ? -1 : 1));
  const bySizeAsc = [...bySizeDesc].reverse();
  for (const from of bySizeDesc) {
    for (const to of bySizeAsc) {
      if (out.get(to)!.size + 1 >= out.get(from)!.size) break;
      // The highest-numbered movable partition, so low partitions stay with long-lived members.
      const movable = [...out.get(from)!].filter((key) => subscribed.get(to)!.has(parsePartitionKey(key).topic)).sort(compareKeys);
      const key = movable[movable.length - 1];
      if (key !== undefined) return { from, to, key };
    }
  }
  return null;
}
