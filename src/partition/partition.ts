// One replica of one partition on a single broker: commit = local fsync (group-committed).
// Produce requests are queued and appended together once per event-loop turn, so concurrent
// producers share both the write and the fsync; the next append overlaps the previous fsync.
// The high watermark (what consumers may read) and acks=all both follow the commit, which is
// the fsync under flush.policy=batch and the write to the OS under flush.policy=interval
// (fsynced by the log's timer later), as for a replicated partition (see PartitionLog.persist).
import type { Clock } from '../common/clock';
import { ErrorCode, SluiceError } from '../common/errors';
import { asOffset, asRaftIndex, asTerm, type Offset, type TopicPartition } from '../common/ids';
import type { Logger } from '../common/logger';
import { EntryKind, type AppendEntry, type LogConfig, type PartitionLog, type ReadResult } from '../storage/types';
import { OffsetWaiters } from './offset-waiters';
import { ChangeSignal } from './change-signal';
import { DEFAULT_PRODUCER_ID_EXPIRATION_MS, ProducerStateTable } from './producer-state';
import { rebuildProducerState } from './producer-state-rebuild';
import { ProducerSnapshotSchedule } from './producer-snapshots';
import type { PartitionReplica, ProduceInput, ProduceOutcome } from './replica';
import type { ReadLease } from '../storage/read-buffers';

interface PendingProduce {
  readonly input: ProduceInput;
  readonly baseOffset: number;
  readonly resolve: (outcome: ProduceOutcome) => void;
}

/** Fixed leader epoch of a single-replica partition; Raft terms replace it when replicated. */
const SINGLE_REPLICA_TERM = asTerm(1);
/** Upper bound on batch bytes appended in one write. */
const MAX_APPEND_BYTES = 8 * 1024 * 1024;

export class Partition implements PartitionReplica {
  /** The appended batches, with the queued ones as proposals on top (so a failed append drops exactly those). */
  readonly producers = new ProducerStateTable();
  private readonly producerSnapshots: ProducerSnapshotSchedule;
  /** Fires whenever the high watermark or the log start moves (for long polls). */
  readonly changed = new ChangeSignal();

  /** Offsets below this are readable. Invariant: highWatermark <= durableOffset or policy=interval. */
  private highWatermarkOffset: number;
  /** Offsets below this are fsynced. */
  private durableOffset: number;
  /** Next offset to assign to an accepted batch (including batches not yet appended). */
  private nextOffset: number;
  private readonly durableWaiters: OffsetWaiters;
  private pending: PendingProduce[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;
  /**
   * Set when an fsync failed. After a failed fsync the kernel may have dropped the dirty pages
   * ("fsyncgate"), so a later successful fsync proves nothing: the partition refuses writes until
   * a restart recovers it from what is really on disk.
   */
  private syncFailure: string | undefined;

  readonly replicaIds: readonly number[];
  readonly caughtUp = true;

  private constructor(
    readonly topicPartition: TopicPartition,
    private readonly log: PartitionLog,
    private config: LogConfig,
    private readonly clock: Clock,
    private readonly logger: Logger,
    readonly leaderId: number,
    private readonly producerIdExpirationMs: number,
  ) {
    this.producerSnapshots = new ProducerSnapshotSchedule(log, logger);
    this.replicaIds = [leaderId];
    this.highWatermarkOffset = log.logEndOffset;
    this.durableOffset = log.logEndOffset;
    this.nextOffset = log.logEndOffset;
    this.durableWaiters = new OffsetWaiters(log.logEndOffset);
  }

  static async open(tp: TopicPartition, log: PartitionLog, config: LogConfig, clock: Clock, logger: Logger, nodeId = 1, producerIdExpirationMs = DEFAULT_PRODUCER_ID_EXPIRATION_MS): Promise<Partition> {
    const partition = new Partition(tp, log, config, clock, logger, nodeId, producerIdExpirationMs);
    // After a clean close the table kept with it is exact; otherwise rebuild it from the newest
    // producer-state snapshot and the log after it.
    if (!partition.producers.restore(log.cleanCloseAnnex)) await rebuildProducerState(log, partition.producers, logger);
    return partition;
  }

  get highWatermark(): number {
    return this.highWatermarkOffset;
  }
  get logStartOffset(): number {
    return this.log.logStartOffset;
  }
  get logEndOffset(): number {
    return this.log.logEndOffset;
  }
  get leaderEpoch(): number {
    return SINGLE_REPLICA_TERM;
  }
  get sizeBytes(): number {
    return this.log.sizeBytes;
  }

  /**
   * Appends a batch. Resolves per `acks`: 'none' at once (offset unknown, -1), 'leader' after the
   * append, 'all' at the commit (after fsync; after the append under flush.policy=interval).
   * Never rejects: failures come back as outcomes.
   */
  produce(input: ProduceInput): Promise<ProduceOutcome> {
    if (this.closed) return Promise.resolve(failure(ErrorCode.NOT_LEADER, `partition ${this.name} is closing on this broker`));
    if (this.syncFailure) return Promise.resolve(failure(ErrorCode.STORAGE_ERROR, this.syncFailure));
    const check = this.producers.check(input);
    if (check.kind === 'reject') return Promise.resolve(failure(check.code, check.message));
    if (check.kind === 'duplicate') return this.answerDuplicate(input, check.baseOffset);

    const baseOffset = this.nextOffset;
    this.nextOffset += input.recordCount;
    this.producers.recordProposed(input, baseOffset, this.clock.nowMs());
    const result = new Promise<ProduceOutcome>((resolve) => this.pending.push({ input, baseOffset, resolve }));
    this.draining ??= endOfTurn()
      .then(() => this.drain())
      .catch((error: unknown) => {
        this.draining = undefined;
        this.logger.error({ partition: this.name, err: error }, 'draining queued produce failed');
      });
    if (input.acks === 'none') return Promise.resolve(success(-1, -1, this.logStartOffset));
    return result;
  }

  /**
   * Reads committed batches from `offset`. Throws SluiceError(OFFSET_OUT_OF_RANGE) outside
   * [logStartOffset, logEndOffset].
   */
  read(offset: number, maxBytes: number, lease?: ReadLease): Promise<ReadResult> {
    if (offset < this.logStartOffset || offset > this.log.logEndOffset) {
      throw new SluiceError(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `offset ${offset} is out of range for ${this.name}: valid offsets are [${this.logStartOffset}, ${this.log.logEndOffset}]`,
      );
    }
    if (offset >= this.highWatermarkOffset) return Promise.resolve({ entries: [], bytes: 0 });
    return this.log.read(asOffset(offset), asOffset(this.highWatermarkOffset), maxBytes, lease);
  }

  offsetForTimestamp(timestampMs: number): Promise<Offset | undefined> {
    return this.log.offsetForTimestamp(timestampMs);
  }

  updateConfig(config: LogConfig): void {
    this.config = config;
    this.log.updateConfig(config);
  }

  async applyRetention(): Promise<number> {
    const nowMs = this.clock.nowMs();
    this.producers.expireBefore(nowMs - this.producerIdExpirationMs);
    const deleted = await this.log.applyRetention(nowMs);
    if (deleted > 0) {
      this.logger.info({ partition: this.name, deleted, logStartOffset: this.logStartOffset }, 'retention deleted segments');
      this.changed.notify();
    }
    return deleted;
  }

  destroy(): Promise<void> {
    return this.close();
  }

  /** Finishes queued appends, syncs, and stops accepting produce. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.draining) await this.draining;
    this.log.setCloseAnnex(this.producers.snapshot());
  }

  /** Under flush.policy=interval a write commits once appended; under batch once fsynced (PartitionLog.persist says the same for Raft members). */
  private get commitsOnWrite(): boolean {
    return this.config.flushPolicy === 'interval';
  }

  private get name(): string {
    return `${this.topicPartition.topic}/${this.topicPartition.partition}`;
  }

  /**
   * A retry is answered no earlier than its original would be: a retry of a batch still queued
   * waits for it to be durable (its append may fail), and shares the original's failure.
   */
  private async answerDuplicate(input: ProduceInput, baseOffset: number): Promise<ProduceOutcome> {
    if (input.acks === 'none') return { ok: true, code: ErrorCode.DUPLICATE_SEQUENCE, baseOffset, appendTimeMs: -1, logStartOffset: this.logStartOffset };
    const end = baseOffset + input.recordCount;
    if ((input.acks === 'all' && !this.commitsOnWrite) || end > this.log.logEndOffset) {
      try {
        await this.durableWaiters.waitFor(end);
      } catch (error) {
        return failure(error instanceof SluiceError ? error.code : ErrorCode.OUTCOME_UNKNOWN, (error as Error).message);
      }
    }
    return { ok: true, code: ErrorCode.DUPLICATE_SEQUENCE, baseOffset, appendTimeMs: -1, logStartOffset: this.logStartOffset };
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.pending.length === 0) {
        // In the same synchronous step as the last look at `pending`: a produce from a caller
        // resumed by this drain's last answer must start a new drain. Cleared a promise step
        // later (in a `.finally`), it found this drain still set and its batch waited for the
        // next produce to come along.
        this.draining = undefined;
        return;
      }
      const group = this.takePending();
      const appendTimeMs = this.clock.nowMs();
      let raftIndex = this.log.lastRaftIndex;
      const entries: AppendEntry[] = group.map(({ input }) => ({
        kind: EntryKind.DATA,
        term: SINGLE_REPLICA_TERM,
        raftIndex: asRaftIndex(++raftIndex),
        recordCount: input.recordCount,
        maxTimestampMs: input.maxTimestampMs > 0 ? input.maxTimestampMs : appendTimeMs,
        appendTimeMs,
        producerId: input.producerId,
        producerEpoch: input.producerEpoch,
        baseSequence: input.baseSequence,
        batch: input.batch,
        batchCrc32c: input.batchCrc32c,
      }));
      let headers;
      try {
        headers = await this.log.append(entries);
      } catch (error) {
        this.failAppend(group, error);
        continue;
      }
      for (const h of headers) this.producers.record(h, h.baseOffset, h.appendTimeMs, h.crc);
      this.producerSnapshots.afterAppend(headers, this.producers);
      const endOffset = this.log.logEndOffset;
      const committedOnWrite = this.commitsOnWrite;
      for (const pending of group) {
        if (pending.input.acks === 'leader' || committedOnWrite) pending.resolve(success(pending.baseOffset, appendTimeMs, this.logStartOffset));
      }
      // Under interval every append commits. The drain runs once per event-loop turn (see
      // endOfTurn), so one push carries every append of the turn.
      if (committedOnWrite) this.advanceHighWatermark(endOffset);
      // The sync still runs under interval: it tracks what is durable and stops writes if it fails.
      const waitingForSync = committedOnWrite ? [] : group.filter((p) => p.input.acks === 'all');
      void this.log.sync().then(
        () => {
          this.durableOffset = Math.max(this.durableOffset, endOffset);
          this.advanceHighWatermark(endOffset);
          this.durableWaiters.advanceTo(this.durableOffset);
          for (const pending of waitingForSync) pending.resolve(success(pending.baseOffset, appendTimeMs, this.logStartOffset));
        },
        (error: unknown) => {
          this.logger.fatal({ partition: this.name, err: error }, 'fsync failed: refusing writes until restart');
          const message = `fsync failed on ${this.name} (${(error as Error).message}): it refuses writes until the broker restarts and recovers it`;
          this.syncFailure ??= message;
          // Written but not known to be durable: after the restart the batch may or may not be there.
          const unknown = `${message}; the batch was written and may survive the restart: resend the same batch (an idempotent retry is answered DUPLICATE_SEQUENCE if it was stored)`;
          for (const pending of waitingForSync) pending.resolve(failure(ErrorCode.OUTCOME_UNKNOWN, unknown));
          this.durableWaiters.failAbove(this.durableOffset, new SluiceError(ErrorCode.OUTCOME_UNKNOWN, unknown));
        },
      );
    }
  }

  private takePending(): PendingProduce[] {
    let bytes = 0;
    let count = 0;
    while (count < this.pending.length && (count === 0 || bytes < MAX_APPEND_BYTES)) {
      bytes += this.pending[count]!.input.batch.length;
      count++;
    }
    return this.pending.splice(0, count);
  }

  /**
   * A failed append changed nothing stored: forget the queued batches. The producer table holds
   * the appended batches apart from the queued ones (proposals), so it stays exact.
   */
  private failAppend(group: PendingProduce[], error: unknown): void {
    const queued = [...group, ...this.pending.splice(0)];
    const message = error instanceof SluiceError ? error.message : `append to ${this.name} failed: ${(error as Error).message}`;
    this.logger.error({ partition: this.name, err: error, dropped: queued.length }, 'append failed');
    for (const pending of queued) pending.resolve(failure(ErrorCode.STORAGE_ERROR, message));
    this.nextOffset = this.log.logEndOffset;
    // Retries of the failed batches wait here: none of them was appended.
    this.durableWaiters.failAbove(this.nextOffset, new SluiceError(ErrorCode.STORAGE_ERROR, message));
    this.producers.dropProposed();
  }

  private advanceHighWatermark(offset: number): void {
    if (offset <= this.highWatermarkOffset) return;
    this.highWatermarkOffset = offset;
    this.changed.notify();
  }
}

/**
 * Resolves after this event-loop turn's I/O callbacks (setImmediate). A drain started then
 * appends every request that arrived in the turn as one write: a socket read holds several
 * requests, and grpc-js hands each to its handler in its own callback, so a drain started by the
 * first request appended them one at a time (at 10k records/s four times as many writes as now),
 * and consumers, told at the end of the turn, got their push a loop iteration after the answers.
 */
function endOfTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function success(baseOffset: number, appendTimeMs: number, logStartOffset: number): ProduceOutcome {
  return { ok: true, code: ErrorCode.NONE, baseOffset, appendTimeMs, logStartOffset };
}

function failure(code: ErrorCode, message: string): ProduceOutcome {
  return { ok: false, code, message };
}
