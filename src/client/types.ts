// Public option and record types of the client.
import type { BytesInput } from '../protocol/batch-codec';
import type { RetryOptions } from './retry';
import type { CompressionName } from '../protocol/compression';

export type { BytesInput, RetryOptions };

export interface ClientOptions {
  /** Bootstrap brokers, "host:port". */
  readonly brokers: readonly string[];
  /** Name sent to brokers for their logs (default "sluice-js"). */
  readonly clientId?: string;
  /** Deadline of each request in ms (default 30000). */
  readonly requestTimeoutMs?: number;
  /**
   * Backoff for retriable errors (default 5 retries, 100 ms doubling up to 5 s). A producer's
   * batches use only the backoffs: they are retried until ProducerOptions.deliveryTimeoutMs.
   */
  readonly retry?: Partial<RetryOptions>;
  /** Refresh cluster metadata (leaders, brokers) older than this on next use (default 30000). Errors refresh it at once. */
  readonly metadataMaxAgeMs?: number;
}

export type Acks = 'all' | 'leader' | 'none';

export interface ProducerOptions {
  /** Durability before a send is acknowledged (default 'all'). */
  readonly acks?: Acks;
  /** How long a partition's batch waits for more records before it is sent (default 5 ms). */
  readonly lingerMs?: number;
  /** A batch is sent once its records reach this many bytes (default 1 MiB). */
  readonly batchMaxBytes?: number;
  /** Produce requests in flight per partition (default 5; at most 5 for an idempotent producer, as the broker remembers 5 batches per producer). */
  readonly maxInFlight?: number;
  /**
   * How long a record may take from produce() to its acknowledgement, retries included (Kafka's
   * delivery.timeout.ms; default 120,000 ms). Retriable failures are retried until then; past it
   * the record fails with SluiceDeliveryTimeoutError, whose `outcomeUnknown` says whether it may
   * be stored (docs/client.md, "Unknown outcomes"). `ClientOptions.retry.retries` does not bound a
   * producer's batches; its backoffs space the attempts. Counted from when the batch is sealed.
   */
  readonly deliveryTimeoutMs?: number;
  /**
   * Bytes of records the producer may hold, queued or unacknowledged (Kafka's buffer.memory;
   * default 32 MiB). Past it, produce() and send() wait for acknowledgements to free room.
   */
  readonly bufferMemory?: number;
  /** How long a record may wait for room in the buffer before it fails with SluiceBufferExhaustedError (default 60,000 ms). */
  readonly maxBlockMs?: number;
  /** Idempotent producer: retries never duplicate (default true; requires acks 'all' or 'leader'). */
  readonly idempotent?: boolean;
  /** How records without a partition are placed: by key with murmur2 (Kafka's default; keyless records stick to one partition per batch) or round robin. */
  readonly partitioner?: 'murmur2' | 'round-robin';
  /** Codec for each batch's records (default 'none'); the broker stores them compressed, consumers decompress. */
  readonly compression?: CompressionName;
}

/** A record to produce. */
export interface Message {
  readonly key?: BytesInput | null;
  readonly value: BytesInput | null;
  readonly headers?: Readonly<Record<string, BytesInput>>;
  /** ms since epoch; default: when the batch is sealed. */
  readonly timestamp?: number;
  /** Explicit partition; otherwise the partitioner chooses. */
  readonly partition?: number;
}

/** Where one produced record landed. `offset` is -1 with acks 'none'. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/**
 * Told once when a record produced with `produce(topic, message, callback)` is acknowledged
 * (`metadata` set) or failed for good (`error` set). Like Kafka's `send(record, callback)`; no
 * promise per record, which is what a producer at hundreds of thousands of records/s spends most on.
 */
export type ProduceCallback = (error: Error | null, metadata: RecordMetadata | undefined) => void;

/** Outcome of `send` for one partition: the offset of the first of its records. -1 with acks 'none'. */
export interface ProduceResult {
  readonly topic: string;
  readonly partition: number;
  readonly baseOffset: number;
}

export type AutoOffsetReset = 'earliest' | 'latest' | 'error';

export interface ConsumerOptions {
  /** Consumer group whose committed offsets are the default start and the target of commit(). */
  readonly groupId?: string;
  /** Upper bound on batch bytes per fetch response (default 50 MiB). */
  readonly maxBytes?: number;
  /** Upper bound on batch bytes per partition per fetch (default 1 MiB). */
  readonly maxBytesPerPartition?: number;
  /** Long-poll wait when there is no data (default 500 ms). */
  readonly maxWaitMs?: number;
  /**
   * 'push' (default): the broker streams batches as they commit (Data.Subscribe), one stream per
   * leader. 'poll': long-poll Fetch rounds, one round trip per round.
   */
  readonly delivery?: 'push' | 'poll';
  /** Commit positions every autoCommitIntervalMs and on stop (default false; needs groupId). */
  readonly autoCommit?: boolean;
  readonly autoCommitIntervalMs?: number;
  /** What to do when the position is outside the log (default 'error'). */
  readonly autoOffsetReset?: AutoOffsetReset;
  /** Check each batch's CRC32C (default true). */
  readonly checkCrcs?: boolean;
}

/** Consumer.subscribe: join the consumer's group and read the partitions the broker assigns. */
export interface SubscribeOptions {
  /** Topics to read; one that does not exist yet is assigned once it is created. */
  readonly topics?: readonly string[];
  /**
   * And/or every topic whose whole name matches this RE2 pattern (for example `orders-.*`), evaluated
   * by the broker, including topics created later; never internal topics. An invalid pattern stops
   * the consumer with INVALID_REGULAR_EXPRESSION and the reason (docs/consumer-groups.md).
   */
  readonly pattern?: string;
  /**
   * Static membership: a stable name of this instance (a pod or host name). A consumer that stops
   * and is restarted with the same instance id within the group's session timeout gets its
   * partitions back without a rebalance; stopping does not hand them to others meanwhile.
   */
  readonly instanceId?: string;
  /** Where to start in a partition the group has no committed offset for (default 'earliest', as assign()). */
  readonly noCommittedOffset?: 'earliest' | 'latest';
  /** Partitions given to this consumer (it reads them from the group's committed offsets). */
  readonly onAssigned?: (partitions: { topic: string; partition: number }[]) => Promise<void> | void;
  /**
   * Partitions taken from this consumer, called after the record being processed finished and no
   * further record of them will be handed out, and (with autoCommit) after their positions were
   * committed; the broker gives them to another member only once this resolves. Commit here
   * without autoCommit.
   */
  readonly onRevoked?: (partitions: { topic: string; partition: number }[]) => Promise<void> | void;
  /** The consumer was fenced (for example it did not heartbeat within the session): these partitions are already someone else's; commits for them are refused. */
  readonly onLost?: (partitions: { topic: string; partition: number }[]) => Promise<void> | void;
}

/** A consumed record. key, value and header values are views into the fetched response. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer>>;
  /** Leader epoch (Raft term) under which the record's batch was appended. */
  readonly leaderEpoch: number;
}

export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly ConsumedRecord[];
  readonly highWatermark: number;
}

export type SeekTarget = number | 'earliest' | 'latest' | { readonly timestamp: number };

export interface TopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}
