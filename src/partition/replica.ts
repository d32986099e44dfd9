// What the broker's handlers need from a partition replica, and the produce contract they use:
// acks, the input of one batch, and the outcome it is answered with.
import { ErrorCode, SluiceError } from '../common/errors';
import type { Offset, TopicPartition } from '../common/ids';
import type { LogConfig, ReadResult } from '../storage/types';
import type { ChangeSignal } from './change-signal';
import type { ProducerBatchFacts } from './producer-state';
import type { ReadLease } from '../storage/read-buffers';

/** How far a produce waits before it is answered (sluice.v1.Acks). */
export type Acks = 'all' | 'leader' | 'none';

/** One batch to append, with the producer facts the broker read from it. */
export interface ProduceInput extends ProducerBatchFacts {
  /** The encoded RecordBatch, stored verbatim. */
  readonly batch: Buffer;
  readonly maxTimestampMs: number;
  readonly acks: Acks;
  /** CRC32C of `batch`, when the request carried one and it was checked against the bytes. */
  readonly batchCrc32c?: number;
}

/** What a produce answers; never a rejection (failures travel as outcomes). */
export type ProduceOutcome =
  | { readonly ok: true; readonly code: ErrorCode.NONE | ErrorCode.DUPLICATE_SEQUENCE; readonly baseOffset: number; readonly appendTimeMs: number; readonly logStartOffset: number }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly leaderHint?: string };

export interface PartitionReplica {
  readonly topicPartition: TopicPartition;
  /** Fires whenever the high watermark or the log start moves (for long polls). */
  readonly changed: ChangeSignal;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  /** The leader's Raft term. */
  readonly leaderEpoch: number;
  readonly sizeBytes: number;
  /** Broker id of the leader as this replica knows it, or null during an election. */
  readonly leaderId: number | null;
  /** The Raft group's voters and learners as this replica knows them. */
  readonly membership: { readonly voters: readonly number[]; readonly learners: readonly number[] };
  /**
   * Leader only: the high watermark covers everything committed before this replica became
   * leader (Raft: an entry of the leader's own term has committed, thesis §6.4).
   */
  readonly caughtUp: boolean;
  produce(input: ProduceInput): Promise<ProduceOutcome>;
  /** Throws SluiceError: OFFSET_OUT_OF_RANGE, NotLeaderError, CORRUPT_MESSAGE. With a lease, see PartitionLog.read. */
  read(offset: number, maxBytes: number, lease?: ReadLease): Promise<ReadResult>;
  offsetForTimestamp(timestampMs: number): Promise<Offset | undefined>;
  updateConfig(config: LogConfig): void;
  applyRetention(): Promise<number>;
  close(): Promise<void>;
  /** Closes and forgets any state kept outside the log (the topic was deleted). */
  destroy(): Promise<void>;
}

/** This broker does not lead the partition; `leaderHint` is the leader's address when known. */
export class NotLeaderError extends SluiceError {
  constructor(
    message: string,
    readonly leaderHint: string,
  ) {
    super(ErrorCode.NOT_LEADER, message);
    this.name = 'NotLeaderError';
  }
}
