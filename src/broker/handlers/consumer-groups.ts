// Consumer-group membership RPCs: ConsumerGroupHeartbeat (KIP-848), DescribeGroups, DeleteGroups,
// ListGroups.
// The group's coordinator is the leader of its __consumer_offsets partition
// (src/consumer-groups/consumer-group-coordinators.ts). A heartbeat elsewhere is answered
// NOT_COORDINATOR with the coordinator's address (a member talks to its coordinator directly, so
// its heartbeats keep their order); Describe and Delete are forwarded once, as offset requests are.
// proto3: a field at its default is absent from the wire; for the heartbeat that means
// "unchanged" (docs/consumer-groups.md, "The wire protocol").
import { ErrorCode } from '../../common/errors';
import { groupIdProblem, NotCoordinatorError, OFFSETS_TOPIC } from '../../consumer-groups/consumer-group-offsets';
import type { GroupDescription } from '../../consumer-groups/consumer-group-coordinators';
import type { ConsumerGroupState } from '../../consumer-groups/coordinator/consumer-group';
import type { HeartbeatRequest } from '../../consumer-groups/coordinator/heartbeat-request';
import type { MemberState } from '../../consumer-groups/coordinator/member';
import { listOf } from '../../consumer-groups/coordinator/partition-key';
import { ConsumerGroupState as WireGroupState } from '../../protocol/generated/sluice/v1/ConsumerGroupState';
import { MemberState as WireMemberState } from '../../protocol/generated/sluice/v1/MemberState';
import {
  everyField,
  type ConsumerGroupHeartbeatRequest,
  type ConsumerGroupHeartbeatResponse,
  type DeleteGroupsRequest,
  type DeleteGroupsResponse,
  type DescribedGroup,
  type DescribeGroupsRequest,
  type DescribeGroupsResponse,
  type ListGroupsResponse,
  type RequestOf,
} from '../../protocol/wire-types';
import type { BrokerContext } from '../context';
import { status } from '@grpc/grpc-js';
import { invalidArgument, RequestError } from '../request-error';
import { forwardToCoordinator, type CallInfo } from './groups';

type ListedGroup = ListGroupsResponse['groups'][number];

everyField<ConsumerGroupHeartbeatRequest>()(
  'groupId',
  'memberId',
  'memberEpoch',
  'instanceId',
  'rack',
  'rebalanceTimeoutMs',
  'subscribedTopicNames',
  'subscribedTopicRegex',
  'serverAssignor',
  'ownedPartitions',
);
everyField<ConsumerGroupHeartbeatRequest['ownedPartitions'][number]>()('topic', 'partitions');
everyField<DescribeGroupsRequest>()('groupIds');
everyField<DeleteGroupsRequest>()('groupIds');
everyField<RequestOf<'sluice.v1.Groups', 'listGroups'>>()();

/** Most groups one DescribeGroups or DeleteGroups names. */
const MAX_GROUPS_PER_REQUEST = 1_000;

export async function handleConsumerGroupHeartbeat(ctx: BrokerContext, r: ConsumerGroupHeartbeatRequest): Promise<ConsumerGroupHeartbeatResponse> {
  const problem = groupIdProblem(r.groupId);
  if (problem) throw invalidArgument(problem);
  // Defaults mean "unchanged since my last heartbeat", except owned partitions: always the full set.
  const request: HeartbeatRequest = {
    memberId: r.memberId,
    memberEpoch: r.memberEpoch,
    instanceId: r.instanceId === '' ? undefined : r.instanceId,
    rack: r.rack === '' ? undefined : r.rack,
    subscribedTopicNames: r.subscribedTopicNames.length === 0 ? undefined : r.subscribedTopicNames,
    subscribedTopicRegex: r.subscribedTopicRegex === '' ? undefined : r.subscribedTopicRegex,
    serverAssignor: r.serverAssignor === '' ? undefined : r.serverAssignor,
    rebalanceTimeoutMs: r.rebalanceTimeoutMs === 0 ? undefined : r.rebalanceTimeoutMs,
    ownedPartitions: r.ownedPartitions.map((tp) => ({ topic: tp.topic, partitions: tp.partitions })),
  };
  const answer = (code: ErrorCode, message: string, coordinator = ''): ConsumerGroupHeartbeatResponse => ({
    errorCode: code,
    errorMessage: message,
    memberId: r.memberId,
    memberEpoch: r.memberEpoch,
    heartbeatIntervalMs: 0,
    assignment: [],
    coordinator,
  });
  try {
    const result = await ctx.consumerGroups.heartbeat(r.groupId, request);
    if (!result.ok) return answer(result.code, result.message);
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: '',
      memberId: result.memberId,
      memberEpoch: result.memberEpoch,
      heartbeatIntervalMs: result.heartbeatIntervalMs,
      assignment: result.assignment.map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions] })),
      coordinator: '',
    };
  } catch (error) {
    if (!(error instanceof NotCoordinatorError)) throw error;
    const leader = coordinatorOf(ctx, error.offsetsPartition);
    const address = leader === undefined || leader === ctx.config.nodeId ? '' : (ctx.cluster.addressOf(leader) ?? '');
    return answer(ErrorCode.NOT_COORDINATOR, `${error.message}: ${address === '' ? 'retry (no coordinator is known yet)' : `send heartbeats to ${address}`}`, address);
  }
}

export async function handleDescribeGroups(ctx: BrokerContext, r: DescribeGroupsRequest, call: CallInfo): Promise<DescribeGroupsResponse> {
  checkGroupIds('DescribeGroups', r.groupIds);
  const groups: DescribedGroup[] = [];
  for (const groupId of r.groupIds) {
    const empty = (code: ErrorCode, message: string): DescribedGroup => ({
      groupId, errorCode: code, errorMessage: message, state: WireGroupState.CONSUMER_GROUP_STATE_UNKNOWN, groupEpoch: 0, assignmentEpoch: 0, assignor: '', members: [], offsets: [],
    });
    try {
      const description = await ctx.consumerGroups.describe(groupId);
      groups.push(description ? describedGroup(groupId, description) : empty(ErrorCode.GROUP_ID_NOT_FOUND, `consumer group ${groupId} does not exist (no members, no committed offsets)`));
    } catch (error) {
      if (!(error instanceof NotCoordinatorError)) throw error;
      const forwarded = await forwardToCoordinator<DescribeGroupsResponse>(ctx, call, error, 'describeGroups', { groupIds: [groupId] });
      groups.push(forwarded?.groups[0] ?? empty(ErrorCode.NOT_COORDINATOR, error.message));
    }
  }
  return { groups };
}

export async function handleDeleteGroups(ctx: BrokerContext, r: DeleteGroupsRequest, call: CallInfo): Promise<DeleteGroupsResponse> {
  checkGroupIds('DeleteGroups', r.groupIds);
  const results = [];
  for (const groupId of r.groupIds) {
    try {
      const refused = await ctx.consumerGroups.delete(groupId);
      results.push({ groupId, errorCode: refused?.code ?? ErrorCode.NONE, errorMessage: refused?.message ?? '' });
    } catch (error) {
      if (!(error instanceof NotCoordinatorError)) throw error;
      const forwarded = await forwardToCoordinator<DeleteGroupsResponse>(ctx, call, error, 'deleteGroups', { groupIds: [groupId] });
      results.push(forwarded?.results[0] ?? { groupId, errorCode: ErrorCode.NOT_COORDINATOR, errorMessage: error.message });
    }
  }
  return { results };
}

/**
 * Every group of the cluster: those of the offsets partitions this broker leads, and those of the
 * other coordinators, asked once each (a forwarded ListGroups answers only its own broker's). If
 * an offsets partition has no known leader, or its leader does not answer, the call fails
 * (UNAVAILABLE, retriable) rather than answer a list that silently misses groups.
 */
export async function handleListGroups(ctx: BrokerContext, call: CallInfo): Promise<ListGroupsResponse> {
  const listed = new Map<string, ListedGroup>();
  for (const g of await ctx.consumerGroups.list()) listed.set(g.groupId, { groupId: g.groupId, state: wireGroupState(g.state), memberCount: g.memberCount });
  if (!call.forwarded) {
    const partitionsOf = new Map<number, number[]>();
    const leaderless: number[] = [];
    for (let p = 0; p < ctx.config.offsetsTopicPartitions; p++) {
      const leader = coordinatorOf(ctx, p);
      if (leader === undefined) leaderless.push(p);
      else if (leader !== ctx.config.nodeId) partitionsOf.set(leader, [...(partitionsOf.get(leader) ?? []), p]);
    }
    if (leaderless.length > 0) throw new RequestError(status.UNAVAILABLE, `ListGroups: offsets partitions ${leaderless.join(', ')} have no leader right now (an election): retry`);
    const answers = await Promise.all([...partitionsOf].map(async ([broker, partitions]) => {
      try {
        return (await ctx.cluster.forward('sluice.v1.Groups', 'listGroups', {}, broker)) as ListGroupsResponse;
      } catch (error) {
        throw new RequestError(status.UNAVAILABLE, `ListGroups: broker ${broker}, the coordinator of offsets partitions ${partitions.join(', ')}, did not answer (${(error as Error).message}): retry`);
      }
    }));
    for (const answer of answers) for (const g of answer.groups) if (!listed.has(g.groupId)) listed.set(g.groupId, g);
  }
  const groups = [...listed.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  return { groupIds: groups.map((g) => g.groupId), groups };
}

function checkGroupIds(rpc: string, groupIds: readonly string[]): void {
  if (groupIds.length === 0) throw invalidArgument(`${rpc} names no group: give at least one group id`);
  if (groupIds.length > MAX_GROUPS_PER_REQUEST) throw invalidArgument(`${rpc} names ${groupIds.length} groups: the limit is ${MAX_GROUPS_PER_REQUEST} per request`);
  for (const groupId of groupIds) {
    const problem = groupIdProblem(groupId);
    if (problem) throw invalidArgument(problem);
  }
}

/** Broker id leading offsets partition p, as this broker knows it. */
function coordinatorOf(ctx: BrokerContext, p: number): number | undefined {
  const local = ctx.partitions.get(OFFSETS_TOPIC, p);
  return (local ? local.leaderId : ctx.registry.replicas(OFFSETS_TOPIC, p)[0]) ?? undefined;
}

function describedGroup(groupId: string, d: GroupDescription): DescribedGroup {
  const s = d.snapshot;
  return {
    groupId,
    errorCode: ErrorCode.NONE,
    errorMessage: '',
    state: wireGroupState(d.state),
    groupEpoch: s?.groupEpoch ?? 0,
    assignmentEpoch: s?.targetAssignmentEpoch ?? 0,
    assignor: d.assignor,
    members: [...(s?.members.values() ?? [])].map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      rack: m.rack,
      memberEpoch: m.memberEpoch,
      state: wireMemberState(m.state),
      subscribedTopicNames: [...m.subscription.topicNames],
      subscribedTopicRegex: m.subscription.topicRegex,
      assigned: wirePartitions(m.assigned.keys()),
      pendingRevocation: wirePartitions(m.pendingRevocation.keys()),
      target: wirePartitions(s?.target.get(m.memberId) ?? []),
    })),
    offsets: d.offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata, commitTimeMs: o.commitTimeMs, errorCode: ErrorCode.NONE, errorMessage: '' })),
  };
}

function wirePartitions(keys: Parameters<typeof listOf>[0]): { topic: string; partitions: number[] }[] {
  return listOf(keys).map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions] }));
}

export function wireGroupState(state: ConsumerGroupState): (typeof WireGroupState)[keyof typeof WireGroupState] {
  const states: Record<ConsumerGroupState, (typeof WireGroupState)[keyof typeof WireGroupState]> = {
    empty: WireGroupState.CONSUMER_GROUP_STATE_EMPTY,
    assigning: WireGroupState.CONSUMER_GROUP_STATE_ASSIGNING,
    reconciling: WireGroupState.CONSUMER_GROUP_STATE_RECONCILING,
    stable: WireGroupState.CONSUMER_GROUP_STATE_STABLE,
    dead: WireGroupState.CONSUMER_GROUP_STATE_DEAD,
  };
  return states[state];
}

function wireMemberState(state: MemberState): (typeof WireMemberState)[keyof typeof WireMemberState] {
  const states: Record<MemberState, (typeof WireMemberState)[keyof typeof WireMemberState]> = {
    stable: WireMemberState.MEMBER_STATE_STABLE,
    unrevoked_partitions: WireMemberState.MEMBER_STATE_UNREVOKED_PARTITIONS,
    unreleased_partitions: WireMemberState.MEMBER_STATE_UNRELEASED_PARTITIONS,
  };
  return states[state];
}
