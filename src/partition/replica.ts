// What the broker's handlers need from a partition, whether it has one replica (Partition:
// commit = local fsync) or is a Raft group (ReplicatedPartition: commit = majority fsync).
import { ErrorCode, SluiceError } from '../common/errors';
import type { Offset, TopicPartition } from '../common/ids';
import type { LogConfig, ReadResult } from '../storage/types';
import type { ChangeSignal } from './change-signal';
import type { ProduceInput, ProduceOutcome } from './partition';
import type { ReadLease } from '../storage/read-buffers';

export interface PartitionReplica {
  readonly topicPartition: TopicPartition;
  /** Fires whenever the high watermark or the log start moves (for long polls). */
  readonly changed: ChangeSignal;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  /** The leader's term (Raft) or a fixed epoch for a single replica. */
  readonly leaderEpoch: number;
  readonly sizeBytes: number;
  /** Broker id of the leader as this replica knows it, or null during an election. */
  readonly leaderId: number | null;
  /** The Raft group's voters and learners as this replica knows them (replicated partitions only). */
  readonly membership?: { readonly voters: readonly number[]; readonly learners: readonly number[] };
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
