// Broker configuration: embedded defaults, overridden by a JSON config file, overridden by flags.
import { readFileSync } from 'node:fs';
import { checkSettingNames, type SettingNames } from './config-names';
import { DEFAULT_TOPIC_CONFIG, mergeTopicConfig, type TopicConfig } from '../metadata/topic-config';
import { DEFAULT_PRODUCER_ID_EXPIRATION_MS } from '../partition/producer-state';
import { DEFAULT_ENTRY_CACHE_BYTES } from '../replication/entry-cache-budget';

const DEFAULT_RAFT_TICK_MS = 100;
const DEFAULT_ELECTION_TIMEOUT_TICKS = 10;
/** Shorter would forget idempotent producers while their retries may still be under way. */
const MIN_PRODUCER_ID_EXPIRATION_MS = 60_000;

export interface BrokerLimits {
  /** Largest gRPC request accepted; larger ones get RESOURCE_EXHAUSTED. */
  readonly maxRequestBytes: number;
  /** Most partitions a topic may have. */
  readonly maxPartitionsPerTopic: number;
  /** Most partitions in one Produce or Fetch request. */
  readonly maxPartitionsPerRequest: number;
  /** Most new partitions one CreateTopics request (all its topics together) or CreatePartitions may ask for. */
  readonly maxPartitionsPerCreateRequest: number;
  /**
   * Most partition replicas this broker holds (Raft groups, each with an open active segment),
   * checked before a topic is registered. 0: derived at start from the open-file limit
   * (descriptor-budget.ts). In a cluster every broker should use the same value: the limit
   * travels in the command of the broker that proposes it.
   */
  readonly maxPartitionReplicas: number;
  /**
   * Most descriptors of closed segments kept open across all partitions (the rest reopen when
   * read). 0: derived at start from the open-file limit (descriptor-budget.ts).
   */
  readonly maxOpenSegmentFiles: number;
  /** Longest long-poll wait of a Fetch (max_wait_ms); a longer one counts as this. */
  readonly maxFetchWaitMs: number;
  /** Longest replication wait a Produce may ask for (timeout_ms); longer ones get INVALID_ARGUMENT. */
  readonly maxProduceTimeoutMs: number;
  /**
   * Most batch bytes in one Fetch response or Subscribe push, whatever the request's max_bytes
   * (Kafka's fetch.max.bytes); only a response's first batch may be larger, up to the topic's
   * max.message.bytes, so that a consumer always progresses.
   */
  readonly maxFetchBytes: number;
  /**
   * Kafka's queued.max.request.bytes: bytes the broker holds for clients at once — produce
   * requests not yet answered and Subscribe pushes not yet sent (docs/architecture.md, "Memory
   * held for clients"; HTTP/2 windows are not counted). At or above it a Produce gets
   * RESOURCE_EXHAUSTED and streams stop reading until some is released. At least maxRequestBytes.
   */
  readonly maxInFlightBytes: number;
}

/** One broker of a static cluster definition (cluster/*.json). */
export interface ClusterMember {
  readonly id: number;
  readonly host: string;
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly rack?: string;
}

export interface ClusterSettings {
  readonly clusterId: string;
  readonly brokers: readonly ClusterMember[];
  /** Raft clock: one tick every this many ms. */
  readonly raftTickMs: number;
  /** Followers start an election after this many ticks without a leader (randomized up to 2x). */
  readonly electionTimeoutTicks: number;
  /**
   * This broker joins a cluster that already runs (its definition lists brokers the others'
   * does not): it starts with no metadata configuration and asks a listed broker to register
   * it. Only matters on first start; afterwards the broker's stored state says where it stands.
   */
  readonly join?: boolean;
}

export interface BrokerConfig {
  readonly nodeId: number;
  readonly dataDir: string;
  readonly host: string;
  readonly grpcPort: number;
  readonly httpPort: number;
  /** Address clients should use to reach this broker (host:port). */
  readonly advertisedAddress?: string;
  readonly clusterId: string;
  readonly limits: BrokerLimits;
  /** Defaults for topics created without explicit configs. */
  readonly topicDefaults: TopicConfig;
  /** Partitions of the internal __consumer_offsets topic. */
  readonly offsetsTopicPartitions: number;
  /** How often retention runs over every partition. */
  readonly retentionCheckIntervalMs: number;
  /** A consumer-group member with no heartbeat for this long is removed and its partitions reassigned (Kafka's group.consumer.session.timeout.ms). */
  readonly groupSessionTimeoutMs: number;
  /** How often consumer-group members are told to heartbeat; below groupSessionTimeoutMs (group.consumer.heartbeat.interval.ms). */
  readonly groupHeartbeatIntervalMs: number;
  /** Most members a consumer group accepts (group.consumer.max.size). */
  readonly groupMaxSize: number;
  /**
   * Records appended to an offsets partition (and at least as many as its last snapshot held
   * keys) before its state is snapshotted again, which bounds the replay of a new coordinator
   * (docs/consumer-groups.md, "Bounded replay").
   */
  readonly groupStateSnapshotMinRecords: number;
  /**
   * Memory for recent Raft entries kept to serve followers, shared by all partitions of a
   * cluster member (the least recently written give theirs back first); a follower further
   * behind is served from disk.
   */
  readonly raftEntryCacheBytes: number;
  /**
   * Kafka's `producer.id.expiration.ms`: a partition forgets an idempotent producer that wrote
   * nothing to it for this long (its next batch is then accepted like a new producer's). Within
   * it, a retried batch is recognised after any restart, truncation or leader change.
   */
  readonly producerIdExpirationMs: number;
  /**
   * The HTTP port (metrics, health, console) closes a connection that sends and receives nothing
   * for this long, and answers 408 and closes one whose request headers have not all arrived
   * within it (docs/architecture.md, "The HTTP port").
   */
  readonly httpIdleTimeoutMs: number;
  /** The cluster definition this broker is one of; absent for a single broker (a one-broker cluster, see oneBrokerCluster). */
  readonly cluster?: ClusterSettings;
}

/** Node runs a timer of 2^31 ms or more after 1 ms: no duration the broker waits may exceed this. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
const DURATION_LIMITS = ['maxFetchWaitMs', 'maxProduceTimeoutMs'] as const satisfies readonly (keyof BrokerLimits)[];
/** Limits whose 0 means "derive from the open-file limit at start" (descriptor-budget.ts). */
const DERIVED_LIMITS: readonly (keyof BrokerLimits)[] = ['maxPartitionReplicas', 'maxOpenSegmentFiles'];

export const DEFAULT_LIMITS: BrokerLimits = {
  maxRequestBytes: 64 * 1024 * 1024,
  maxPartitionsPerTopic: 1024,
  maxPartitionsPerRequest: 10_000,
  maxPartitionsPerCreateRequest: 4096,
  maxPartitionReplicas: 0,
  maxOpenSegmentFiles: 0,
  maxFetchWaitMs: 60_000,
  maxProduceTimeoutMs: 300_000,
  maxFetchBytes: 64 * 1024 * 1024,
  // 8 requests of the largest size (maxRequestBytes) at once: bounded well under the RAM of a
  // small broker machine, and far above what a benchmark with MB batches holds (tens of MiB).
  maxInFlightBytes: 512 * 1024 * 1024,
};

export const DEFAULT_BROKER_CONFIG: BrokerConfig = {
  nodeId: 1,
  dataDir: './data',
  host: '127.0.0.1',
  grpcPort: 9092,
  httpPort: 9644,
  clusterId: 'sluice',
  limits: DEFAULT_LIMITS,
  topicDefaults: DEFAULT_TOPIC_CONFIG,
  offsetsTopicPartitions: 8,
  retentionCheckIntervalMs: 60_000,
  groupSessionTimeoutMs: 45_000,
  groupHeartbeatIntervalMs: 5_000,
  groupMaxSize: 1_000,
  groupStateSnapshotMinRecords: 10_000,
  raftEntryCacheBytes: DEFAULT_ENTRY_CACHE_BYTES,
  producerIdExpirationMs: DEFAULT_PRODUCER_ID_EXPIRATION_MS,
  httpIdleTimeoutMs: 30_000,
};

/** The shape of a JSON config file: any subset of BrokerConfig; `topicDefaults` as string configs. */
export interface BrokerConfigFile extends Partial<Omit<BrokerConfig, 'limits' | 'topicDefaults' | 'cluster'>> {
  readonly cluster?: Partial<ClusterSettings> & Pick<ClusterSettings, 'brokers'>;
  readonly limits?: Partial<BrokerLimits>;
  readonly topicDefaults?: Record<string, string>;
}

export function loadConfigFile(path: string): BrokerConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  checkSettingNames(parsed, CONFIG_FILE_NAMES, path);
  return parsed as BrokerConfigFile;
}

const CLUSTER_SETTING_NAMES: readonly (keyof ClusterSettings)[] = ['clusterId', 'brokers', 'raftTickMs', 'electionTimeoutTicks', 'join'];
const CONFIG_FILE_NAMES: SettingNames = {
  names: [...Object.keys(DEFAULT_BROKER_CONFIG), 'advertisedAddress', 'cluster'],
  nested: { limits: { names: Object.keys(DEFAULT_LIMITS) }, cluster: { names: CLUSTER_SETTING_NAMES } },
};

/** Merges layers over the defaults and validates; throws with a message naming the bad setting. */
export function resolveBrokerConfig(...layers: BrokerConfigFile[]): BrokerConfig {
  let config: BrokerConfig = DEFAULT_BROKER_CONFIG;
  for (const layer of layers) {
    const { limits, topicDefaults, cluster, ...rest } = layer;
    config = {
      ...config,
      ...stripUndefined(rest),
      ...(cluster ? { cluster: { clusterId: cluster.clusterId ?? rest.clusterId ?? config.clusterId, raftTickMs: DEFAULT_RAFT_TICK_MS, electionTimeoutTicks: DEFAULT_ELECTION_TIMEOUT_TICKS, ...stripUndefined(cluster) } as ClusterSettings } : {}),
      limits: { ...config.limits, ...stripUndefined(limits ?? {}) },
      topicDefaults: topicDefaults ? mergeTopicConfig(config.topicDefaults, topicDefaults) : config.topicDefaults,
    };
  }
  validate(config);
  return config;
}

function validate(config: BrokerConfig): void {
  const port = (name: string, value: number): void => {
    if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} ${value} is invalid: use an integer port in [0, 65535]`);
  };
  port('grpcPort', config.grpcPort);
  port('httpPort', config.httpPort);
  if (!Number.isInteger(config.nodeId) || config.nodeId < 1) throw new Error(`nodeId ${config.nodeId} is invalid: use an integer >= 1`);
  if (!config.dataDir) throw new Error('dataDir is empty: give a directory for the broker data');
  if (!Number.isInteger(config.offsetsTopicPartitions) || config.offsetsTopicPartitions < 1 || config.offsetsTopicPartitions > 1024) {
    throw new Error(`offsetsTopicPartitions ${config.offsetsTopicPartitions} is invalid: use an integer in [1, 1024]`);
  }
  if (!Number.isInteger(config.groupSessionTimeoutMs) || config.groupSessionTimeoutMs < 100 || config.groupSessionTimeoutMs > MAX_TIMER_MS) {
    throw new Error(`groupSessionTimeoutMs ${config.groupSessionTimeoutMs} is invalid: use an integer number of milliseconds in [100, ${MAX_TIMER_MS}] (Kafka's default is 45000)`);
  }
  if (!Number.isInteger(config.groupHeartbeatIntervalMs) || config.groupHeartbeatIntervalMs < 10 || config.groupHeartbeatIntervalMs >= config.groupSessionTimeoutMs) {
    throw new Error(`groupHeartbeatIntervalMs ${config.groupHeartbeatIntervalMs} is invalid: use an integer number of milliseconds of at least 10 and below groupSessionTimeoutMs (${config.groupSessionTimeoutMs}); Kafka's default is 5000`);
  }
  if (!Number.isInteger(config.groupMaxSize) || config.groupMaxSize < 1) {
    throw new Error(`groupMaxSize ${config.groupMaxSize} is invalid: use an integer >= 1`);
  }
  if (!Number.isSafeInteger(config.groupStateSnapshotMinRecords) || config.groupStateSnapshotMinRecords < 1) {
    throw new Error(`groupStateSnapshotMinRecords ${config.groupStateSnapshotMinRecords} is invalid: use an integer >= 1 (records appended to an offsets partition between snapshots of its state; default 10000)`);
  }
  if (!Number.isInteger(config.producerIdExpirationMs) || config.producerIdExpirationMs < MIN_PRODUCER_ID_EXPIRATION_MS) {
    throw new Error(
      `producerIdExpirationMs ${config.producerIdExpirationMs} is invalid: use an integer number of milliseconds of at least ${MIN_PRODUCER_ID_EXPIRATION_MS} (1 minute: ` +
        `a shorter one forgets producers while their retries may still be under way); ` +
        `the default is ${DEFAULT_PRODUCER_ID_EXPIRATION_MS} (1 day), as Kafka's producer.id.expiration.ms`,
    );
  }
  if (!Number.isInteger(config.raftEntryCacheBytes) || config.raftEntryCacheBytes < 1024 * 1024) {
    throw new Error(`raftEntryCacheBytes ${config.raftEntryCacheBytes} is invalid: use an integer of at least 1048576 (1 MiB)`);
  }
  if (!Number.isInteger(config.httpIdleTimeoutMs) || config.httpIdleTimeoutMs < 100 || config.httpIdleTimeoutMs > 3_600_000) {
    throw new Error(`httpIdleTimeoutMs ${config.httpIdleTimeoutMs} is invalid: use an integer number of milliseconds in [100, 3600000]; the default is 30000`);
  }
  if (config.cluster) validateCluster(config);
  for (const [key, value] of Object.entries(config.limits)) {
    if (DERIVED_LIMITS.includes(key as keyof BrokerLimits)) {
      if (!Number.isInteger(value) || value < 0) throw new Error(`limits.${key} ${value} is invalid: use a positive integer, or 0 to derive it from the open-file limit at start`);
    } else if (!Number.isInteger(value) || value < 1) throw new Error(`limits.${key} ${value} is invalid: use a positive integer`);
  }
  if (config.limits.maxInFlightBytes < config.limits.maxRequestBytes) {
    throw new Error(
      `limits.maxInFlightBytes ${config.limits.maxInFlightBytes} is invalid: use at least limits.maxRequestBytes (${config.limits.maxRequestBytes}), ` +
        `or no request of the largest size could ever be taken; the default is ${DEFAULT_LIMITS.maxInFlightBytes} (512 MiB)`,
    );
  }
  for (const key of DURATION_LIMITS) {
    const value = config.limits[key];
    if (value > MAX_TIMER_MS) throw new Error(`limits.${key} ${value} is invalid: use an integer in [1, ${MAX_TIMER_MS}] (the longest Node timer)`);
  }
}

/**
 * The cluster a broker started without a cluster definition forms on its own: it is the only
 * member and voter of every group (docs/architecture.md, "One startup path"). It registers its
 * advertised address when it has one; a port of 0 is replaced by the bound one at start.
 */
export function oneBrokerCluster(config: BrokerConfig): ClusterSettings {
  const advertised = config.advertisedAddress;
  const colon = advertised?.lastIndexOf(':') ?? -1;
  const self: ClusterMember =
    advertised !== undefined && colon > 0
      ? { id: config.nodeId, host: advertised.slice(0, colon), grpcPort: Number(advertised.slice(colon + 1)), httpPort: config.httpPort }
      : { id: config.nodeId, host: config.host, grpcPort: config.grpcPort, httpPort: config.httpPort };
  return { clusterId: config.clusterId, brokers: [self], raftTickMs: DEFAULT_RAFT_TICK_MS, electionTimeoutTicks: DEFAULT_ELECTION_TIMEOUT_TICKS };
}

function validateCluster(config: BrokerConfig): void {
  const cluster = config.cluster!;
  const ids = new Set<number>();
  for (const member of cluster.brokers) {
    if (!Number.isInteger(member.id) || member.id < 1 || member.id > 1023) throw new Error(`cluster broker id ${member.id} is invalid: use an integer in [1, 1023]`);
    if (ids.has(member.id)) throw new Error(`cluster broker id ${member.id} appears twice: ids must be unique`);
    ids.add(member.id);
    if (!member.host || !Number.isInteger(member.grpcPort)) throw new Error(`cluster broker ${member.id} needs a host and a grpcPort`);
  }
  if (!ids.has(config.nodeId)) throw new Error(`nodeId ${config.nodeId} is not one of the cluster's brokers (${[...ids].join(', ')})`);
  if (cluster.raftTickMs < 10 || cluster.electionTimeoutTicks < 3) throw new Error('cluster.raftTickMs must be >= 10 and cluster.electionTimeoutTicks >= 3');
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
