// The `range` assignor (Kafka's RangeAssignor): per topic, the subscribed members in member-id
// order get contiguous ranges of partitions, the first `count % members` one partition more.
// Topics with the same partition count and the same subscribers are thus co-partitioned: partition
// p of each goes to the same member (joins by key across topics stay local). Not sticky.
import type { AssignmentSpec, ConsumerGroupAssignor, TargetAssignment } from './assignor';
import { partitionKey, type PartitionKey } from './partition-key';

export class RangeAssignor implements ConsumerGroupAssignor {
  readonly name = 'range';

  assign(spec: AssignmentSpec): TargetAssignment {
    const memberIds = [...spec.members.keys()].sort();
    const out: TargetAssignment = new Map(memberIds.map((id) => [id, new Set<PartitionKey>()]));
    for (const [topic, count] of [...spec.topics].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const subscribers = memberIds.filter((id) => spec.members.get(id)!.topics.includes(topic));
      if (subscribers.length === 0) continue;
      const base = Math.floor(count / subscribers.length);
      const extra = count % subscribers.length;
      let next = 0;
      subscribers.forEach((id, i) => {
        const size = base + (i < extra ? 1 : 0);
        for (let p = next; p < next + size; p++) out.get(id)!.add(partitionKey(topic, p));
        next += size;
      });
    }
    return out;
  }
}
