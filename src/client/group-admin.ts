// Consumer groups as the admin client shows them: DescribeGroups, DeleteGroups and ListGroups
// answers turned into plain objects (docs/consumer-groups.md). Group states and member states are
// the lower-case names the broker's coordinator uses ('stable', 'unrevoked_partitions', …).
import { ErrorCode, SluiceError } from '../common/errors';
import { ConsumerGroupState } from '../protocol/generated/sluice/v1/ConsumerGroupState';
import { MemberState } from '../protocol/generated/sluice/v1/MemberState';
import { everyField, type DescribedGroup, type DescribedMember, type ListGroupsResponse } from '../protocol/wire-types';

export interface GroupTopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

export interface GroupMemberDescription {
  readonly memberId: string;
  /** '' for a dynamic member. */
  readonly instanceId: string;
  readonly rack: string;
  readonly memberEpoch: number;
  readonly state: string;
  readonly subscribedTopicNames: readonly string[];
  readonly subscribedTopicRegex: string;
  readonly assigned: readonly GroupTopicPartitions[];
  readonly pendingRevocation: readonly GroupTopicPartitions[];
  readonly target: readonly GroupTopicPartitions[];
}

export interface GroupDescription {
  readonly groupId: string;
  /** 'empty', 'assigning', 'reconciling', 'stable' or 'dead'. */
  readonly state: string;
  readonly groupEpoch: number;
  readonly assignmentEpoch: number;
  readonly assignor: string;
  readonly members: readonly GroupMemberDescription[];
  /** Committed offsets (the next offset to read), with when they were committed. */
  readonly offsets: readonly { readonly topic: string; readonly partition: number; readonly offset: number; readonly metadata: string; readonly commitTimeMs: number }[];
}

export interface GroupListing {
  readonly groupId: string;
  readonly state: string;
  readonly memberCount: number;
}

// Every field of these answers is read below (a field added to the proto fails tsc until handled).
everyField<DescribedGroup>()('groupId', 'errorCode', 'errorMessage', 'state', 'groupEpoch', 'assignmentEpoch', 'assignor', 'members', 'offsets');
everyField<DescribedMember>()('memberId', 'instanceId', 'rack', 'memberEpoch', 'state', 'subscribedTopicNames', 'subscribedTopicRegex', 'assigned', 'pendingRevocation', 'target');
everyField<ListGroupsResponse['groups'][number]>()('groupId', 'state', 'memberCount');

const GROUP_STATES = new Map<number, string>([
  [ConsumerGroupState.CONSUMER_GROUP_STATE_EMPTY, 'empty'],
  [ConsumerGroupState.CONSUMER_GROUP_STATE_ASSIGNING, 'assigning'],
  [ConsumerGroupState.CONSUMER_GROUP_STATE_RECONCILING, 'reconciling'],
  [ConsumerGroupState.CONSUMER_GROUP_STATE_STABLE, 'stable'],
  [ConsumerGroupState.CONSUMER_GROUP_STATE_DEAD, 'dead'],
]);
const MEMBER_STATES = new Map<number, string>([
  [MemberState.MEMBER_STATE_STABLE, 'stable'],
  [MemberState.MEMBER_STATE_UNREVOKED_PARTITIONS, 'unrevoked_partitions'],
  [MemberState.MEMBER_STATE_UNRELEASED_PARTITIONS, 'unreleased_partitions'],
]);

const partitions = (list: readonly GroupTopicPartitions[]): GroupTopicPartitions[] => list.map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions] }));

/** Throws the group's error (GROUP_ID_NOT_FOUND, NOT_COORDINATOR…) when it has one. */
export function toGroupDescription(g: DescribedGroup): GroupDescription {
  if (g.errorCode !== ErrorCode.NONE) throw new SluiceError(g.errorCode, g.errorMessage);
  return {
    groupId: g.groupId,
    state: GROUP_STATES.get(g.state) ?? 'unknown',
    groupEpoch: g.groupEpoch,
    assignmentEpoch: g.assignmentEpoch,
    assignor: g.assignor,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      rack: m.rack,
      memberEpoch: m.memberEpoch,
      state: MEMBER_STATES.get(m.state) ?? 'unknown',
      subscribedTopicNames: [...m.subscribedTopicNames],
      subscribedTopicRegex: m.subscribedTopicRegex,
      assigned: partitions(m.assigned),
      pendingRevocation: partitions(m.pendingRevocation),
      target: partitions(m.target),
    })),
    offsets: g.offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata, commitTimeMs: o.commitTimeMs })),
  };
}

export function toGroupListings(response: ListGroupsResponse): GroupListing[] {
  return response.groups.map((g) => ({ groupId: g.groupId, state: GROUP_STATES.get(g.state) ?? 'unknown', memberCount: g.memberCount }));
}
