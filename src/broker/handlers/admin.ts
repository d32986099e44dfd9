// Admin: topics and cluster description. Each topic gets its own outcome; a bad topic never
// affects the others in the same request.
import { ErrorCode, SluiceError } from '../../common/errors';
import { mergeTopicConfig, topicConfigStrings, topicNameProblem } from '../../metadata/topic-config';
import type { TopicMetadata } from '../../metadata/topic-registry';
import type { BrokerContext } from '../context';
import { invalidArgument } from '../request-error';
import { everyField, type RequestOf, type TopicResult, type TopicSpec } from '../../protocol/wire-types';
import { quoteInput } from '../client-message';
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

/** The error's own code when it has one; anything else is a storage failure. */
const codeOf = (error: unknown): ErrorCode => (error instanceof SluiceError ? error.code : ErrorCode.STORAGE_ERROR);

const okResult = (name: string): TopicResult => ({ name, errorCode: ErrorCode.NONE, errorMessage: '' });
const errorResult = (name: string, errorCode: ErrorCode, errorMessage: string): TopicResult => ({ name, errorCode, errorMessage });

export async function handleCreateTopics(ctx: BrokerContext, request: AdminRequest<'createTopics'>) {
  if (request.topics.length === 0) throw invalidArgument('CreateTopics names no topics: send at least one');
  // A name given twice would otherwise create whichever spec comes first: Kafka refuses both.
  const times = new Map<string, number>();
  for (const spec of request.topics) times.set(spec.name, (times.get(spec.name) ?? 0) + 1);
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

async function createTopic(ctx: BrokerContext, spec: TopicSpec, validateOnly: boolean): Promise<TopicResult> {
  const nameProblem = topicNameProblem(spec.name);
  if (nameProblem) return errorResult(spec.name, ErrorCode.INVALID_TOPIC, nameProblem);
  if (spec.name.startsWith('__')) return errorResult(spec.name, ErrorCode.INVALID_TOPIC, `topic name ${quoteInput(spec.name)} is reserved: names starting with '__' are internal`);
  if (ctx.registry.get(spec.name)) return errorResult(spec.name, ErrorCode.TOPIC_ALREADY_EXISTS, `topic '${spec.name}' already exists`);
  const partitions = spec.partitions === 0 ? 1 : spec.partitions;
  const max = ctx.config.limits.maxPartitionsPerTopic;
  if (partitions < 1 || partitions > max) {
    return errorResult(spec.name, ErrorCode.INVALID_PARTITIONS, `partitions ${partitions} is invalid: use 1..${max}`);
  }
  const replicationFactor = spec.replicationFactor === 0 ? 1 : spec.replicationFactor;
  const brokers = ctx.registry.brokerCount();
  if (replicationFactor > brokers) {
    return errorResult(
      spec.name,
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `replication factor ${replicationFactor} is larger than the ${brokers} available broker(s): use 1..${brokers}`,
    );
  }
  let config;
  try {
    config = mergeTopicConfig(ctx.config.topicDefaults, spec.configs ?? {});
  } catch (error) {
    return errorResult(spec.name, ErrorCode.INVALID_CONFIG, (error as Error).message);
  }
  if (validateOnly) return okResult(spec.name);
  const topic: TopicMetadata = { name: spec.name, partitions, replicationFactor, internal: false, config, createdAtMs: ctx.clock.nowMs() };
  try {
    await ctx.registry.create(topic);
  } catch (error) {
    return errorResult(spec.name, codeOf(error), `creating topic '${spec.name}' failed: ${(error as Error).message}`);
  }
  return okResult(spec.name);
}

export async function handleDeleteTopics(ctx: BrokerContext, request: AdminRequest<'deleteTopics'>) {
  if (request.names.length === 0) throw invalidArgument('DeleteTopics names no topics: send at least one');
  const results: TopicResult[] = [];
  for (const name of request.names) {
    const topic = ctx.registry.get(name);
    if (!topic) {
      results.push(errorResult(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${quoteInput(name)} does not exist`));
    } else if (topic.internal) {
      results.push(errorResult(name, ErrorCode.POLICY_VIOLATION, `topic '${name}' is internal and cannot be deleted`));
    } else {
      try {
        await ctx.registry.delete(name);
        results.push(okResult(name));
      } catch (error) {
        results.push(errorResult(name, codeOf(error), `deleting topic '${name}' failed: ${(error as Error).message}`));
      }
    }
  }
  return { topics: results };
}

export function handleListTopics(ctx: BrokerContext, request: AdminRequest<'listTopics'>) {
  const topics = ctx.registry
    .list()
    .filter((t) => request.includeInternal || !t.internal)
    .map((t) => ({ name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, internal: t.internal }));
  return { topics };
}

export function handleDescribeTopics(ctx: BrokerContext, request: AdminRequest<'describeTopics'>) {
  validateTopicList(ctx, 'DescribeTopics', request.names);
  const names = request.names.length > 0 ? request.names : ctx.registry.list().filter((t) => !t.internal).map((t) => t.name);
  const topics = names.map((name) => {
    const topic = ctx.registry.get(name);
    if (!topic) {
      return { name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic ${quoteInput(name)} does not exist`, internal: false, replicationFactor: 0, partitions: [], configs: {} };
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

export async function handleAlterConfigs(ctx: BrokerContext, request: AdminRequest<'alterConfigs'>) {
  const topic = ctx.registry.get(request.topic);
  if (!topic) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic ${quoteInput(request.topic)} does not exist` };
  if (topic.internal) {
    return { errorCode: ErrorCode.POLICY_VIOLATION, errorMessage: `topic '${request.topic}' is internal: its configs are the broker's (they keep every group's latest commit)` };
  }
  let config;
  try {
    config = mergeTopicConfig(topic.config, request.set ?? {}, request.delete, ctx.config.topicDefaults);
  } catch (error) {
    return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: (error as Error).message };
  }
  if (request.validateOnly) return { errorCode: ErrorCode.NONE, errorMessage: '' };
  try {
    await ctx.registry.update({ ...topic, config });
  } catch (error) {
    return { errorCode: codeOf(error), errorMessage: `altering '${request.topic}' failed: ${(error as Error).message}` };
  }
  return { errorCode: ErrorCode.NONE, errorMessage: '' };
}

export async function handleCreatePartitions(ctx: BrokerContext, request: AdminRequest<'createPartitions'>) {
  const topic = ctx.registry.get(request.topic);
  if (!topic) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic ${quoteInput(request.topic)} does not exist` };
  if (topic.internal) return { errorCode: ErrorCode.POLICY_VIOLATION, errorMessage: `topic '${request.topic}' is internal` };
  const max = ctx.config.limits.maxPartitionsPerTopic;
  if (request.totalCount <= topic.partitions || request.totalCount > max) {
    return {
      errorCode: ErrorCode.INVALID_PARTITIONS,
      errorMessage: `total_count ${request.totalCount} is invalid: topic '${request.topic}' has ${topic.partitions} partitions; use ${topic.partitions + 1}..${max} (partitions never shrink)`,
    };
  }
  if (request.validateOnly) return { errorCode: ErrorCode.NONE, errorMessage: '' };
  try {
    await ctx.registry.update({ ...topic, partitions: request.totalCount });
  } catch (error) {
    return { errorCode: codeOf(error), errorMessage: `adding partitions to '${request.topic}' failed: ${(error as Error).message}` };
  }
  return { errorCode: ErrorCode.NONE, errorMessage: '' };
}

export function handleDescribeCluster(ctx: BrokerContext) {
  return { clusterId: ctx.config.clusterId, controllerId: ctx.cluster.metadataLeader() ?? 0, brokers: ctx.cluster.brokers() };
}
