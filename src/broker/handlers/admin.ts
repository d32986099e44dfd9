// Admin: topics and cluster description. Each topic gets its own outcome; a bad topic never
// affects the others in the same request. Changes are metadata commands: their rules live where
// commands are applied (src/metadata/apply-command.ts).
import { ErrorCode } from '../../common/errors';
import { newTopicId } from '../../common/topic-id';
import type { MetadataCommand } from '../../metadata/metadata-commands';
import { topicConfigStrings } from '../../metadata/topic-config';
import type { BrokerContext } from '../context';
import { invalidArgument } from '../request-error';
import { everyField, type RequestOf, type TopicResult, type TopicSpec } from '../../protocol/wire-types';
import { quoteInput } from '../client-message';
import { proposeOrValidate } from './metadata-proposal';
import { validateTopicList } from './partition-list';

type AdminRequest<M extends 'createTopics' | 'deleteTopics' | 'listTopics' | 'describeTopics' | 'alterConfigs' | 'createPartitions'> = RequestOf<'sluice.v1.Admin', M>;

// Every field of these requests is read here (a field added to the proto fails tsc until it is
// handled and named). DescribeClusterRequest has none.
everyField<AdminRequest<'createTopics'>>()('topics', 'validateOnly');
everyField<TopicSpec>()('name', 'partitions', 'replicationFactor', 'configs');
everyField<AdminRequest<'deleteTopics'>>()('names');
everyField<AdminRequest<'listTopics'>>()('includeInternal');
everyField<AdminRequest<'describeTopics'>>()('names');
everyField<AdminRequest<'alterConfigs'>>()('topic', 'set', 'delete', 'validateOnly');
everyField<AdminRequest<'createPartitions'>>()('topic', 'totalCount', 'validateOnly');
everyField<RequestOf<'sluice.v1.Admin', 'describeCluster'>>()();

const errorResult = (name: string, errorCode: ErrorCode, errorMessage: string): TopicResult => ({ name, errorCode, errorMessage, topicId: '' });

export async function handleCreateTopics(ctx: BrokerContext, request: AdminRequest<'createTopics'>) {
  if (request.topics.length === 0) throw invalidArgument('CreateTopics names no topics: send at least one');
  // A name given twice would otherwise create whichever spec comes first: Kafka refuses both.
  const times = new Map<string, number>();
  for (const spec of request.topics) times.set(spec.name, (times.get(spec.name) ?? 0) + 1);
  const tooMany = partitionsPerRequestProblem(ctx, 'this CreateTopics request', request.topics.reduce((sum, spec) => sum + partitionsOf(spec), 0));
  if (tooMany) return { topics: request.topics.map((spec) => errorResult(spec.name, ErrorCode.POLICY_VIOLATION, tooMany)) };
  const results: TopicResult[] = [];
  for (const spec of request.topics) {
    const count = times.get(spec.name)!;
    results.push(
      count > 1
        ? errorResult(spec.name, ErrorCode.INVALID_REQUEST, `topic ${quoteInput(spec.name)} appears ${count} times in this CreateTopics request: name each topic once`)
        : await createTopic(ctx, spec, request.validateOnly),
    );
  }
  return { topics: results };
}

const partitionsOf = (spec: TopicSpec): number => (spec.partitions === 0 ? 1 : spec.partitions);

/**
 * A request that asks for more new partitions than limits.maxPartitionsPerCreateRequest is refused
 * whole, before any topic is registered (a request's shape, like a name given twice); how many
 * replicas a broker may hold is decided where the commands are applied (replica-budget.ts).
 */
function partitionsPerRequestProblem(ctx: BrokerContext, what: string, asked: number): string | undefined {
  const max = ctx.config.limits.maxPartitionsPerCreateRequest;
  if (asked <= max) return undefined;
  return `${what} asks for ${asked} new partitions in all: at most ${max} per request (limits.maxPartitionsPerCreateRequest); nothing was created, send fewer`;
}

async function createTopic(ctx: BrokerContext, spec: TopicSpec, validateOnly: boolean): Promise<TopicResult> {
  const topicId = newTopicId();
  const command: MetadataCommand = {
    type: 'CreateTopic',
    name: spec.name,
    partitions: partitionsOf(spec),
    replicationFactor: spec.replicationFactor === 0 ? 1 : spec.replicationFactor,
    config: { ...spec.configs },
    internal: false,
    nowMs: ctx.clock.nowMs(),
    topicId,
    maxReplicasPerBroker: ctx.config.limits.maxPartitionReplicas,
  };
  const outcome = await proposeOrValidate(ctx.cluster, command, validateOnly);
  const created = !validateOnly && outcome.errorCode === ErrorCode.NONE;
  return { name: spec.name, ...outcome, topicId: created ? topicId : '' };
}

export async function handleDeleteTopics(ctx: BrokerContext, request: AdminRequest<'deleteTopics'>) {
  if (request.names.length === 0) throw invalidArgument('DeleteTopics names no topics: send at least one');
  const results: TopicResult[] = [];
  for (const name of request.names) results.push({ name, ...(await proposeOrValidate(ctx.cluster, { type: 'DeleteTopic', name }, false)), topicId: '' });
  return { topics: results };
}

export function handleListTopics(ctx: BrokerContext, request: AdminRequest<'listTopics'>) {
  const topics = ctx.registry
    .list()
    .filter((t) => request.includeInternal || !t.internal)
    .map((t) => ({ name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, internal: t.internal, topicId: t.topicId }));
  return { topics };
}

export function handleDescribeTopics(ctx: BrokerContext, request: AdminRequest<'describeTopics'>) {
  validateTopicList(ctx, 'DescribeTopics', request.names);
  const names = request.names.length > 0 ? request.names : ctx.registry.list().filter((t) => !t.internal).map((t) => t.name);
  const topics = names.map((name) => {
    const topic = ctx.registry.get(name);
    if (!topic) {
      return { name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic ${quoteInput(name)} does not exist`, internal: false, replicationFactor: 0, partitions: [], configs: {}, topicId: '' };
    }
    const partitions = Array.from({ length: topic.partitions }, (_, index) => describePartition(ctx, name, index));
    return {
      name,
      errorCode: ErrorCode.NONE,
      errorMessage: '',
      internal: topic.internal,
      replicationFactor: topic.replicationFactor,
      partitions,
      configs: topicConfigStrings(topic.config),
      topicId: topic.topicId,
    };
  });
  return { topics };
}

/**
 * A partition as this broker sees it: from its own replica when it holds one, else from the
 * metadata only (replicas, no leader: a client then asks a replica, which knows the leader).
 */
function describePartition(ctx: BrokerContext, topic: string, index: number) {
  const p = ctx.partitions.get(topic, index);
  const replicas = [...ctx.registry.replicas(topic, index)];
  const retiring = [...(ctx.registry.assignment(topic, index)?.retiring ?? [])];
  if (!p) {
    return { partition: index, leaderId: 0, replicas, retiring, voters: [], learners: [], leaderEpoch: 0, logStartOffset: -1, logEndOffset: -1, highWatermark: -1, sizeBytes: 0 };
  }
  const membership = p.membership;
  return {
    partition: index,
    leaderId: p.leaderId ?? 0,
    replicas,
    retiring,
    voters: [...membership.voters],
    learners: [...membership.learners],
    leaderEpoch: p.leaderEpoch,
    logStartOffset: p.logStartOffset,
    logEndOffset: p.logEndOffset,
    highWatermark: p.highWatermark,
    sizeBytes: p.sizeBytes,
  };
}

export function handleAlterConfigs(ctx: BrokerContext, request: AdminRequest<'alterConfigs'>) {
  return proposeOrValidate(ctx.cluster, { type: 'AlterTopicConfig', name: request.topic, set: { ...request.set }, delete: [...request.delete] }, request.validateOnly);
}

export async function handleCreatePartitions(ctx: BrokerContext, request: AdminRequest<'createPartitions'>) {
  const current = ctx.registry.get(request.topic)?.partitions ?? 0;
  const tooMany = partitionsPerRequestProblem(ctx, `CreatePartitions of topic ${quoteInput(request.topic)}`, request.totalCount - current);
  if (tooMany) return { errorCode: ErrorCode.POLICY_VIOLATION, errorMessage: tooMany };
  return proposeOrValidate(ctx.cluster, { type: 'CreatePartitions', name: request.topic, totalCount: request.totalCount, maxReplicasPerBroker: ctx.config.limits.maxPartitionReplicas }, request.validateOnly);
}

export function handleDescribeCluster(ctx: BrokerContext) {
  return { clusterId: ctx.config.clusterId, controllerId: ctx.cluster.metadataLeader() ?? 0, brokers: ctx.cluster.brokers() };
}
