// TypeScript shapes of the decoded requests the broker handles (protobufjs objects, camelCase,
// int64 as numbers, RecordBatch fields as Buffers: the broker's bytes view).
import type { ErrorCode } from '../common/errors';

export interface ProducePartitionMessage {
  readonly topic: string;
  readonly partition: number;
  readonly batch: Buffer;
  readonly crc32c: number;
}

export interface ProduceRequestMessage {
  readonly acks: number;
  readonly timeoutMs: number;
  readonly partitions: readonly ProducePartitionMessage[];
}

export interface FetchPartitionMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly maxBytes: number;
}

export interface FetchRequestMessage {
  readonly partitions: readonly FetchPartitionMessage[];
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
}

export interface SubscribeRequestMessage {
  readonly partitions: readonly FetchPartitionMessage[];
  readonly maxBytes: number;
}

export interface FetchedBatchMessage {
  baseOffset: number;
  recordCount: number;
  leaderEpoch: number;
  logAppendTimeMs: number;
  crc32c: number;
  batch: Buffer;
}

export interface FetchPartitionResultMessage {
  topic: string;
  partition: number;
  errorCode: ErrorCode;
  errorMessage: string;
  highWatermark: number;
  logStartOffset: number;
  leaderEpoch: number;
  batches: FetchedBatchMessage[];
  leaderHint: string;
}

export interface ListOffsetsRequestMessage {
  readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly timestampMs: number }[];
}

export interface TopicSpecMessage {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

export interface CommitOffsetsRequestMessage {
  readonly groupId: string;
  readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly offset: number; readonly metadata: string }[];
}

export interface FetchOffsetsRequestMessage {
  readonly groupId: string;
  readonly partitions: readonly { readonly topic: string; readonly partition: number }[];
}
