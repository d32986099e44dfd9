// Broker configuration: embedded defaults, overridden by a JSON config file, overridden by flags.
import { readFileSync } from 'node:fs';
import { DEFAULT_TOPIC_CONFIG, mergeTopicConfig, type TopicConfig } from '../metadata/topic-config';

export interface BrokerLimits {
  /** Largest gRPC request accepted; larger ones get RESOURCE_EXHAUSTED. */
  readonly maxRequestBytes: number;
  /** Most partitions a topic may have. */
  readonly maxPartitionsPerTopic: number;
  /** Most partitions in one Produce or Fetch request. */
  readonly maxPartitionsPerRequest: number;
  /** Longest long-poll wait a Fetch may ask for. */
  readonly maxFetchWaitMs: number;
  /** Largest response a Fetch may ask for. */
  readonly maxFetchBytes: number;
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
}

export const DEFAULT_LIMITS: BrokerLimits = {
  maxRequestBytes: 64 * 1024 * 1024,
  maxPartitionsPerTopic: 1024,
  maxPartitionsPerRequest: 10_000,
  maxFetchWaitMs: 60_000,
  maxFetchBytes: 256 * 1024 * 1024,
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
};

/** The shape of a JSON config file: any subset of BrokerConfig; `topicDefaults` as string configs. */
export interface BrokerConfigFile extends Partial<Omit<BrokerConfig, 'limits' | 'topicDefaults'>> {
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
  try {
    return JSON.parse(text) as BrokerConfigFile;
  } catch (error) {
    throw new Error(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Merges layers over the defaults and validates; throws with a message naming the bad setting. */
export function resolveBrokerConfig(...layers: BrokerConfigFile[]): BrokerConfig {
  let config: BrokerConfig = DEFAULT_BROKER_CONFIG;
  for (const layer of layers) {
    const { limits, topicDefaults, ...rest } = layer;
    config = {
      ...config,
      ...stripUndefined(rest),
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
  for (const [key, value] of Object.entries(config.limits)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`limits.${key} ${value} is invalid: use a positive integer`);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
