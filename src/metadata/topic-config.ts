// Topic configs: the keys a user may set, their defaults, and validation with messages that say
// what the valid form is. Values travel as strings (as in Kafka's AlterConfigs).
import type { LogConfig } from '../storage/types';

export interface TopicConfig {
  readonly 'cleanup.policy': 'delete';
  readonly 'retention.ms': number;
  readonly 'retention.bytes': number;
  readonly 'segment.bytes': number;
  readonly 'segment.ms': number;
  readonly 'flush.policy': 'batch' | 'interval';
  readonly 'flush.interval.ms': number;
  readonly 'max.message.bytes': number;
  /** Kafka's key; only 'producer': batches are stored as the producer compressed them. */
  readonly 'compression.type': 'producer';
}

export const DEFAULT_TOPIC_CONFIG: TopicConfig = {
  'cleanup.policy': 'delete',
  'retention.ms': 7 * 24 * 3600 * 1000,
  'retention.bytes': -1,
  'segment.bytes': 128 * 1024 * 1024,
  'segment.ms': 7 * 24 * 3600 * 1000,
  'flush.policy': 'batch',
  'flush.interval.ms': 1000,
  // Under the 4 MiB a stock gRPC client accepts, with room for a Fetch answer's envelope; above
  // the 1 MiB batches the Sluice producer fills by default (batchMaxBytes), which Kafka's 1 MiB
  // would refuse once record framing is added.
  'max.message.bytes': 2 * 1024 * 1024,
  'compression.type': 'producer',
};

type Parser = (value: string) => number | string;

const MAX_LONG = Number.MAX_SAFE_INTEGER;

function integer(min: number, max: number, extra = ''): Parser {
  return (value) => {
    if (!/^-?\d+$/.test(value.trim())) throw new Error(`must be an integer in [${min}, ${max}]${extra}`);
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`must be an integer in [${min}, ${max}]${extra}`);
    return n;
  };
}

function oneOf(...allowed: string[]): Parser {
  return (value) => {
    if (!allowed.includes(value)) throw new Error(`must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
    return value;
  };
}

const PARSERS: Record<keyof TopicConfig, Parser> = {
  'cleanup.policy': (value) => {
    if (value === 'compact' || value === 'compact,delete') throw new Error(`'${value}' is not supported yet (compaction is not built); use 'delete'`);
    return oneOf('delete')(value);
  },
  'retention.ms': integer(-1, MAX_LONG, ' (-1 keeps records forever)'),
  'retention.bytes': integer(-1, MAX_LONG, ' (-1 means no size limit)'),
  'segment.bytes': integer(64 * 1024, 2 ** 31 - 1),
  'segment.ms': integer(1000, MAX_LONG),
  'flush.policy': oneOf('batch', 'interval'),
  'flush.interval.ms': integer(1, 3_600_000),
  'max.message.bytes': integer(1024, 64 * 1024 * 1024),
  'compression.type': (value) => {
    if (value === 'producer') return value;
    throw new Error(`must be 'producer': the broker stores batches as the producer compressed them and never recompresses (it does not decode records); set the producer's compression instead`);
  },
};

export const TOPIC_CONFIG_KEYS = Object.keys(PARSERS) as (keyof TopicConfig)[];

/**
 * Applies `set` and `remove` to `base` and validates the result.
 * Throws an Error whose message names the key, the bad value and the valid form.
 */
export function mergeTopicConfig(
  base: TopicConfig,
  set: Readonly<Record<string, string>>,
  remove: readonly string[] = [],
  defaults: TopicConfig = DEFAULT_TOPIC_CONFIG,
): TopicConfig {
  const merged: Record<string, unknown> = { ...base };
  for (const key of remove) {
    if (!isTopicConfigKey(key)) throw new Error(unknownKey(key));
    merged[key] = defaults[key];
  }
  for (const [key, value] of Object.entries(set)) {
    if (!isTopicConfigKey(key)) throw new Error(unknownKey(key));
    try {
      merged[key] = PARSERS[key](String(value));
    } catch (error) {
      throw new Error(`config ${key}='${value}' is invalid: ${(error as Error).message}`);
    }
  }
  return merged as unknown as TopicConfig;
}

export function isTopicConfigKey(key: string): key is keyof TopicConfig {
  return Object.prototype.hasOwnProperty.call(PARSERS, key);
}

function unknownKey(key: string): string {
  return `unknown config key '${key}': valid keys are ${TOPIC_CONFIG_KEYS.join(', ')}`;
}

/** Every config as strings, for DescribeTopics. */
export function topicConfigStrings(config: TopicConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of TOPIC_CONFIG_KEYS) out[key] = String(config[key]);
  return out;
}

export function logConfigOf(config: TopicConfig): LogConfig {
  return {
    segmentBytes: config['segment.bytes'],
    segmentMs: config['segment.ms'],
    retentionMs: config['retention.ms'],
    retentionBytes: config['retention.bytes'],
    flushPolicy: config['flush.policy'],
    flushIntervalMs: config['flush.interval.ms'],
  };
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Returns why `name` is not a valid topic name, or undefined when it is. */
export function topicNameProblem(name: string): string | undefined {
  if (!TOPIC_NAME.test(name) || name === '.' || name === '..') {
    return `topic name '${name}' is invalid: use 1-249 characters from [a-zA-Z0-9._-], not '.' or '..'`;
  }
  return undefined;
}
