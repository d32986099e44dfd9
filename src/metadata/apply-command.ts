// The metadata state machine: applyCommand(state, command, index) → { state, outcome }. Every
// broker applies the same committed commands in the same order, so every check happens here
// (not in the proposer) and depends only on the state, the command and the cluster's rules.
// A rejected command changes nothing but `version`. Messages match the admin handlers'
// (src/broker/handlers/admin.ts), which still check the topic rules before proposing.
import { ErrorCode } from '../common/errors';
import { isTopicId, legacyTopicId, TOPIC_ID_RULE, type TopicId } from '../common/topic-id';
import { planDrain } from './drain-plan';
import type { AlterTopicConfig, CompleteReassignment, CreatePartitions, CreateTopic, DeleteTopic, DrainBroker, MetadataCommand, ReassignPartition, RegisterBroker } from './metadata-commands';
import { brokerIds, newAssignment, placeableBrokerIds, type BrokerInfo, type MetadataState, type PartitionAssignment, type TopicState } from './metadata-state';
import { BROKER_HOST_RULE, BROKER_ID_RULE, isBrokerHost, isBrokerId, isRack, RACK_RULE, shownValue } from './broker-identity';
import { placeReplicas } from './placement';
import { checkReplicaBudget } from './replica-budget';
import { DEFAULT_TOPIC_CONFIG, mergeTopicConfig, topicNameProblem, type TopicConfig } from './topic-config';

/** Cluster-wide rules. Every broker must apply commands with the same rules. */
export interface MetadataRules {
  readonly maxPartitionsPerTopic: number;
  /** Defaults of topic configs (a CreateTopic's config overrides them; AlterTopicConfig.delete resets to them). */
  readonly topicDefaults: TopicConfig;
}

export const DEFAULT_METADATA_RULES: MetadataRules = { maxPartitionsPerTopic: 1024, topicDefaults: DEFAULT_TOPIC_CONFIG };

export type CommandOutcome = { readonly ok: true } | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

export interface ApplyResult {
  readonly state: MetadataState;
  readonly outcome: CommandOutcome;
}

const OK: CommandOutcome = Object.freeze({ ok: true });
const fail = (code: ErrorCode, message: string): CommandOutcome => ({ ok: false, code, message });

type Change = { readonly brokers?: ReadonlyMap<number, BrokerInfo>; readonly topics?: ReadonlyMap<string, TopicState> } | CommandOutcome;

/**
 * Applies `command`, committed at Raft index `index` (> state.version), to `state`. Never
 * throws for a bad command: the outcome says what was wrong. `state` is not modified.
 */
export function applyCommand(state: MetadataState, command: MetadataCommand, index: number, rules: MetadataRules = DEFAULT_METADATA_RULES): ApplyResult {
  const change = decide(state, command, rules);
  if ('ok' in change) {
    return { state: { ...state, version: index }, outcome: change };
  }
  return {
    state: { version: index, brokers: change.brokers ?? state.brokers, topics: change.topics ?? state.topics },
    outcome: OK,
  };
}

function decide(state: MetadataState, command: MetadataCommand, rules: MetadataRules): Change {
  switch (command.type) {
    case 'RegisterBroker': return registerBroker(state, command);
    case 'CreateTopic': return createTopic(state, command, rules);
    case 'DeleteTopic': return deleteTopic(state, command);
    case 'AlterTopicConfig': return alterTopicConfig(state, command, rules);
    case 'CreatePartitions': return createPartitions(state, command, rules);
    case 'ReassignPartition': return reassignPartition(state, command);
    case 'CompleteReassignment': return completeReassignment(state, command);
    case 'DrainBroker': return drainBroker(state, command);
  }
}

const isPort = (n: number): boolean => Number.isSafeInteger(n) && n >= 1 && n <= 65535;

function registerBroker(state: MetadataState, c: RegisterBroker): Change {
  if (!isBrokerId(c.id)) return fail(ErrorCode.INVALID_REQUEST, `broker id ${c.id} is invalid: ${BROKER_ID_RULE}`);
  if (c.host.length === 0) return fail(ErrorCode.INVALID_REQUEST, `broker ${c.id} has an empty host: give the address clients and brokers reach it at`);
  if (!isBrokerHost(c.host)) return fail(ErrorCode.INVALID_REQUEST, `broker ${c.id} host ${shownValue(c.host)} is invalid: ${BROKER_HOST_RULE}`);
  if (c.rack !== null && c.rack !== '' && !isRack(c.rack)) return fail(ErrorCode.INVALID_REQUEST, `broker ${c.id} rack ${shownValue(c.rack)} is invalid: ${RACK_RULE}`);
  if (!isPort(c.port)) return fail(ErrorCode.INVALID_REQUEST, `broker ${c.id} port ${c.port} is invalid: use 1..65535`);
  if (!isPort(c.httpPort)) return fail(ErrorCode.INVALID_REQUEST, `broker ${c.id} HTTP port ${c.httpPort} is invalid: use 1..65535`);
  for (const other of state.brokers.values()) {
    if (other.id !== c.id && other.host === c.host && (other.port === c.port || other.httpPort === c.port || other.port === c.httpPort || other.httpPort === c.httpPort)) {
      return fail(ErrorCode.INVALID_REQUEST, `broker ${c.id} cannot use ${c.host}:${c.port} (HTTP ${c.httpPort}): broker ${other.id} is registered at ${other.host}:${other.port} (HTTP ${other.httpPort})`);
    }
  }
  const previous = state.brokers.get(c.id);
  const info: BrokerInfo = {
    id: c.id, host: c.host, port: c.port, httpPort: c.httpPort, rack: c.rack === '' ? null : c.rack,
    registeredAtMs: previous?.registeredAtMs ?? c.nowMs,
    draining: previous?.draining ?? false,
  };
  const brokers = new Map(state.brokers);
  brokers.set(c.id, info);
  return { brokers };
}

function checkPartitionCount(count: number, rules: MetadataRules): CommandOutcome | undefined {
  const max = rules.maxPartitionsPerTopic;
  if (!Number.isSafeInteger(count) || count < 1 || count > max) return fail(ErrorCode.INVALID_PARTITIONS, `partitions ${count} is invalid: use 1..${max}`);
  return undefined;
}

function checkReplicationFactor(state: MetadataState, replicationFactor: number): CommandOutcome | undefined {
  if (state.brokers.size === 0) return fail(ErrorCode.INVALID_REPLICATION_FACTOR, 'no broker is registered yet: replicas need registered brokers');
  const brokers = placeableBrokerIds(state).length;
  if (!Number.isSafeInteger(replicationFactor) || replicationFactor < 1) {
    return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `replication factor ${replicationFactor} is invalid: use 1..${brokers}`);
  }
  if (replicationFactor > brokers) {
    const draining = state.brokers.size - brokers;
    const why = draining > 0 ? ` (${draining} draining broker(s) take no new replicas)` : '';
    return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `replication factor ${replicationFactor} is larger than the ${brokers} available broker(s)${why}: use 1..${brokers}`);
  }
  return undefined;
}

function createTopic(state: MetadataState, c: CreateTopic, rules: MetadataRules): Change {
  const nameProblem = topicNameProblem(c.name);
  if (nameProblem) return fail(ErrorCode.INVALID_TOPIC, nameProblem);
  if (!c.internal && c.name.startsWith('__')) return fail(ErrorCode.INVALID_TOPIC, `topic name '${c.name}' is reserved: names starting with '__' are internal`);
  if (state.topics.has(c.name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `topic '${c.name}' already exists`);
  const collides = collidingTopic(state, c.name);
  if (collides) return fail(ErrorCode.INVALID_TOPIC, `topic name '${c.name}' collides with existing topic '${collides}': names that differ only in '.' and '_' share their metric names`);
  const topicId = topicIdOf(state, c);
  if (typeof topicId !== 'string') return topicId;
  const badCount = checkPartitionCount(c.partitions, rules);
  if (badCount) return badCount;
  const badFactor = checkReplicationFactor(state, c.replicationFactor);
  if (badFactor) return badFactor;
  let config: TopicConfig;
  try {
    config = mergeTopicConfig(rules.topicDefaults, c.config);
  } catch (error) {
    return fail(ErrorCode.INVALID_CONFIG, (error as Error).message);
  }
  const placed = placeReplicas(state, c.partitions, c.replicationFactor);
  const overBudget = checkReplicaBudget(state, placed, c.maxReplicasPerBroker, `topic '${c.name}' with ${c.partitions} partition(s) × ${c.replicationFactor} replica(s)`);
  if (overBudget) return overBudget;
  const partitions = placed.map(newAssignment);
  const topic: TopicState = { name: c.name, internal: c.internal, partitions, replicationFactor: c.replicationFactor, config, createdAtMs: c.nowMs, topicId };
  return { topics: withTopic(state, topic) };
}

/**
 * The id the command gives the topic; one derived from its name and creation time when the
 * command was written before topics had ids (the same on every broker and every replay).
 */
function topicIdOf(state: MetadataState, c: CreateTopic): TopicId | CommandOutcome {
  if (c.topicId === undefined) return legacyTopicId(c.name, c.nowMs);
  if (!isTopicId(c.topicId)) return fail(ErrorCode.INVALID_REQUEST, `topic id ${shownValue(c.topicId)} of topic '${c.name}' is invalid: use ${TOPIC_ID_RULE}`);
  for (const other of state.topics.values()) {
    if (other.topicId === c.topicId) return fail(ErrorCode.INVALID_REQUEST, `topic id ${c.topicId} is already the id of topic '${other.name}': propose a new random id`);
  }
  return c.topicId;
}

/** A topic whose name equals `name` once '.' and '_' are read as one character (Kafka's rule). */
function collidingTopic(state: MetadataState, name: string): string | undefined {
  const folded = name.replace(/\./g, '_');
  for (const other of state.topics.keys()) if (other.replace(/\./g, '_') === folded) return other;
  return undefined;
}

function deleteTopic(state: MetadataState, c: DeleteTopic): Change {
  const topic = state.topics.get(c.name);
  if (!topic) return unknownTopic(c.name);
  if (topic.internal) return fail(ErrorCode.POLICY_VIOLATION, `topic '${c.name}' is internal and cannot be deleted`);
  const topics = new Map(state.topics);
  topics.delete(c.name);
  return { topics };
}

function alterTopicConfig(state: MetadataState, c: AlterTopicConfig, rules: MetadataRules): Change {
  const topic = state.topics.get(c.name);
  if (!topic) return unknownTopic(c.name);
  if (topic.internal) return fail(ErrorCode.POLICY_VIOLATION, `topic '${c.name}' is internal: its configs are the broker's (they keep every group's latest commit)`);
  let config: TopicConfig;
  try {
    config = mergeTopicConfig(topic.config, c.set, c.delete, rules.topicDefaults);
  } catch (error) {
    return fail(ErrorCode.INVALID_CONFIG, (error as Error).message);
  }
  return { topics: withTopic(state, { ...topic, config }) };
}

function createPartitions(state: MetadataState, c: CreatePartitions, rules: MetadataRules): Change {
  const topic = state.topics.get(c.name);
  if (!topic) return unknownTopic(c.name);
  if (topic.internal) return fail(ErrorCode.POLICY_VIOLATION, `topic '${c.name}' is internal`);
  const current = topic.partitions.length;
  const max = rules.maxPartitionsPerTopic;
  if (!Number.isSafeInteger(c.totalCount) || c.totalCount <= current || c.totalCount > max) {
    return fail(ErrorCode.INVALID_PARTITIONS, `total_count ${c.totalCount} is invalid: topic '${c.name}' has ${current} partitions; use ${current + 1}..${max} (partitions never shrink)`);
  }
  const badFactor = checkReplicationFactor(state, topic.replicationFactor);
  if (badFactor) return badFactor;
  const placed = placeReplicas(state, c.totalCount - current, topic.replicationFactor);
  const overBudget = checkReplicaBudget(state, placed, c.maxReplicasPerBroker, `growing topic '${c.name}' from ${current} to ${c.totalCount} partition(s) × ${topic.replicationFactor} replica(s)`);
  if (overBudget) return overBudget;
  const added = placed.map(newAssignment);
  return { topics: withTopic(state, { ...topic, partitions: [...topic.partitions, ...added] }) };
}

function reassignPartition(state: MetadataState, c: ReassignPartition): Change {
  const topic = state.topics.get(c.name);
  if (!topic) return unknownTopic(c.name);
  const count = topic.partitions.length;
  if (!Number.isSafeInteger(c.partition) || c.partition < 0 || c.partition >= count) {
    return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `partition ${c.partition} of topic '${c.name}' does not exist: use 0..${count - 1}`);
  }
  if (c.replicas.length === 0) return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `reassigning ${c.name}/${c.partition} to no replicas is invalid: name at least one broker`);
  if (new Set(c.replicas).size !== c.replicas.length) {
    return fail(ErrorCode.INVALID_REQUEST, `replicas [${c.replicas.join(', ')}] for ${c.name}/${c.partition} name a broker twice: each broker holds at most one replica`);
  }
  const unknown = c.replicas.filter((id) => !state.brokers.has(id));
  if (unknown.length > 0) {
    return fail(ErrorCode.INVALID_REQUEST, `broker(s) ${unknown.join(', ')} are not registered: registered brokers are ${brokerIds(state).join(', ') || 'none'}`);
  }
  const draining = c.replicas.filter((id) => state.brokers.get(id)!.draining);
  if (draining.length > 0) {
    return fail(ErrorCode.INVALID_REQUEST, `broker(s) ${draining.join(', ')} are being drained and take no new replicas: undrain them first or choose others`);
  }
  const current = topic.partitions[c.partition]!;
  if (sameList(current.replicas, c.replicas)) return {};
  return { topics: withTopic(state, { ...topic, partitions: withAssignment(topic, c.partition, reassigned(current, c.replicas)) }) };
}

/** The assignment after moving `current` to `replicas`: whoever leaves keeps a copy until the move completes. */
function reassigned(current: PartitionAssignment, replicas: readonly number[]): PartitionAssignment {
  const retiring = [...new Set([...current.replicas, ...current.retiring])].filter((id) => !replicas.includes(id)).sort((a, b) => a - b);
  return { replicas: [...replicas], retiring, reassigned: true };
}

function withAssignment(topic: TopicState, partition: number, assignment: PartitionAssignment): PartitionAssignment[] {
  const partitions = topic.partitions.slice();
  partitions[partition] = assignment;
  return partitions;
}

function completeReassignment(state: MetadataState, c: CompleteReassignment): Change {
  const topic = state.topics.get(c.name);
  const name = `${c.name}/${c.partition}`;
  const sameTopic = topic !== undefined && (c.topicId === undefined ? topic.createdAtMs === c.createdAtMs : topic.topicId === c.topicId);
  if (!sameTopic) {
    const which = c.topicId === undefined ? `created at ${c.createdAtMs}` : `id ${c.topicId}`;
    return fail(ErrorCode.INVALID_REQUEST, `stale report: topic '${c.name}' (${which}) no longer exists; it was deleted or re-created`);
  }
  const current = topic.partitions[c.partition];
  if (!current) {
    // Partitions never shrink, so this report was never true: INVALID_REQUEST, not the retriable
    // UNKNOWN_TOPIC_OR_PARTITION, since asking again cannot succeed.
    return fail(ErrorCode.INVALID_REQUEST, `invalid report: ${name} does not exist; topic '${c.name}' has partitions 0..${topic.partitions.length - 1}`);
  }
  const sorted = (ids: readonly number[]): string => [...ids].sort((a, b) => a - b).join(',');
  if (sorted(current.replicas) !== sorted(c.replicas)) {
    return fail(ErrorCode.INVALID_REQUEST, `stale report: ${name} is now assigned to brokers ${current.replicas.join(', ')}, not ${c.replicas.join(', ')}; it was reassigned again`);
  }
  if (current.retiring.length === 0) return {};
  return { topics: withTopic(state, { ...topic, partitions: withAssignment(topic, c.partition, { ...current, retiring: [] }) }) };
}

function drainBroker(state: MetadataState, c: DrainBroker): Change {
  const broker = state.brokers.get(c.id);
  if (!broker) return fail(ErrorCode.INVALID_REQUEST, `broker ${c.id} is not registered: registered brokers are ${brokerIds(state).join(', ') || 'none'}`);
  const brokers = new Map(state.brokers);
  brokers.set(c.id, { ...broker, draining: c.draining });
  if (!c.draining) return { brokers };
  const plan = planDrain(state, c.id);
  if (typeof plan === 'string') return fail(ErrorCode.INVALID_REPLICATION_FACTOR, plan);
  const topics = new Map(state.topics);
  for (const move of plan) {
    const topic = topics.get(move.topic)!;
    topics.set(move.topic, { ...topic, partitions: withAssignment(topic, move.partition, reassigned(topic.partitions[move.partition]!, move.replicas)) });
  }
  return { brokers, topics };
}

const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function withTopic(state: MetadataState, topic: TopicState): Map<string, TopicState> {
  const topics = new Map(state.topics);
  topics.set(topic.name, topic);
  return topics;
}

const unknownTopic = (name: string): CommandOutcome => fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic '${name}' does not exist`);
