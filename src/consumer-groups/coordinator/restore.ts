// Rebuilding a consumer group's coordinator from its records, as a new coordinator does after a
// leadership change of the group's __consumer_offsets partition. Records are folded in log
// order (the last record per key wins, a tombstone deletes). Timers are not durable: every
// member gets a fresh session and, if it is revoking, a fresh rebalance timeout (KIP-848).
import type { ConsumerGroupOptions } from './config';
import { ConsumerGroup, type ConsumerGroupSnapshot } from './consumer-group';
import { EMPTY_ASSIGNMENT, type ConsumerGroupMember, type MemberAssignment } from './member';
import { keysOf, partitionKey, type PartitionKey, type TopicMetadata } from './partition-key';
import type { ConsumerGroupRecord, MemberCurrentRecord, MemberSubscriptionRecord, PartitionAtEpoch } from './records';

export function restoreConsumerGroup(groupId: string, records: Iterable<ConsumerGroupRecord>, options: ConsumerGroupOptions, topics: TopicMetadata, nowMs: number): ConsumerGroup {
  return new ConsumerGroup(groupId, options, topics, foldRecords(groupId, records), nowMs);
}

/** The state the records describe. Records of other groups are ignored. */
export function foldRecords(groupId: string, records: Iterable<ConsumerGroupRecord>): ConsumerGroupSnapshot {
  let groupEpoch = 0;
  let targetAssignmentEpoch = 0;
  let subscribedTopics = new Map<string, number>();
  let deleted = false;
  const subscriptions = new Map<string, MemberSubscriptionRecord>();
  const current = new Map<string, MemberCurrentRecord>();
  const target = new Map<string, Set<PartitionKey>>();
  for (const r of records) {
    if (r.groupId !== groupId) continue;
    switch (r.kind) {
      case 'group-epoch':
        groupEpoch = r.groupEpoch;
        deleted = false;
        break;
      case 'subscribed-topics':
        subscribedTopics = new Map(r.topics);
        break;
      case 'target-epoch':
        targetAssignmentEpoch = r.assignmentEpoch;
        break;
      case 'member-subscription':
        subscriptions.set(r.memberId, r);
        break;
      case 'member-target':
        target.set(r.memberId, keysOf(r.partitions));
        break;
      case 'member-current':
        current.set(r.memberId, r);
        break;
      case 'tombstone':
        if (r.of === 'member-subscription') subscriptions.delete(r.memberId);
        else if (r.of === 'member-target') target.delete(r.memberId);
        else if (r.of === 'member-current') current.delete(r.memberId);
        else if (r.of === 'group-epoch') {
          groupEpoch = 0;
          deleted = true;
        } else if (r.of === 'target-epoch') targetAssignmentEpoch = 0;
        else subscribedTopics = new Map();
        break;
    }
  }
  const members = new Map<string, ConsumerGroupMember>();
  for (const [id, s] of subscriptions) {
    const c = current.get(id);
    const assignment: MemberAssignment = c === undefined ? EMPTY_ASSIGNMENT : {
      memberEpoch: c.memberEpoch,
      previousMemberEpoch: c.previousMemberEpoch,
      state: c.state,
      assigned: epochMap(c.assigned),
      pendingRevocation: epochMap(c.pendingRevocation),
    };
    members.set(id, {
      ...assignment,
      memberId: id,
      instanceId: s.instanceId,
      rack: s.rack,
      subscription: { topicNames: s.topicNames, topicRegex: s.topicRegex },
      serverAssignor: s.serverAssignor,
      rebalanceTimeoutMs: s.rebalanceTimeoutMs,
      staticLeft: c?.staticLeft ?? false,
    });
  }
  for (const id of [...target.keys()]) if (!members.has(id)) target.delete(id);
  return { groupEpoch, targetAssignmentEpoch, subscribedTopics, members, target, deleted };
}

function epochMap(list: readonly PartitionAtEpoch[]): Map<PartitionKey, number> {
  return new Map(list.map(([topic, partition, epoch]) => [partitionKey(topic, partition), epoch]));
}
