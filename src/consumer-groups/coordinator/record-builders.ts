// The records a consumer group's coordinator writes for one member (see records.ts).
import type { ConsumerGroupMember, EpochByPartition } from './member';
import { compareKeys, listOf, parsePartitionKey, type PartitionKey } from './partition-key';
import type { MemberCurrentRecord, MemberSubscriptionRecord, MemberTargetRecord, PartitionAtEpoch } from './records';

export function subscriptionRecord(groupId: string, m: ConsumerGroupMember): MemberSubscriptionRecord {
  return {
    kind: 'member-subscription',
    groupId,
    memberId: m.memberId,
    instanceId: m.instanceId,
    rack: m.rack,
    topicNames: m.subscription.topicNames,
    topicRegex: m.subscription.topicRegex,
    serverAssignor: m.serverAssignor,
    rebalanceTimeoutMs: m.rebalanceTimeoutMs,
  };
}

export function targetRecord(groupId: string, memberId: string, target: ReadonlySet<PartitionKey>): MemberTargetRecord {
  return { kind: 'member-target', groupId, memberId, partitions: listOf(target) };
}

export function currentRecord(groupId: string, m: ConsumerGroupMember): MemberCurrentRecord {
  return {
    kind: 'member-current',
    groupId,
    memberId: m.memberId,
    memberEpoch: m.memberEpoch,
    previousMemberEpoch: m.previousMemberEpoch,
    state: m.state,
    staticLeft: m.staticLeft,
    assigned: withEpochs(m.assigned),
    pendingRevocation: withEpochs(m.pendingRevocation),
  };
}

function withEpochs(map: EpochByPartition): PartitionAtEpoch[] {
  return [...map.keys()].sort(compareKeys).map((key) => {
    const { topic, partition } = parsePartitionKey(key);
    return [topic, partition, map.get(key)!] as const;
  });
}
