// One replica of a partition that is a Raft group: produce proposes the batch and
// answers once it is committed (acks=all: fsynced on a majority) or appended by the leader
// (acks=leader); the high watermark is the end offset of the last committed entry, so a consumer
// never sees a record that could be rolled back. Only the leader serves produce and fetch.
// The path of a produce request: docs/architecture.md, "Replication (cluster mode)".
import type { Clock } from '../common/clock';
import { describeHeldOffsets, fetchableOffsets } from '../common/offset-range';
import { ErrorCode, SluiceError } from '../common/errors';
import { testFault } from '../common/test-faults';
import { asRaftIndex, type Offset, type TopicPartition } from '../common/ids';
import type { Logger } from '../common/logger';
import type { ConfigState, Entry, SoftState } from '../raft';
import type { RaftGroup, RaftStateMachine } from '../replication/raft-group';
import { encodeEntryData, encodePrefix, recordCountOf, type BatchFacts } from '../replication/partition-entry';
import { UnstorableEntryError } from '../storage/entry-format';
import { ProposalTracker, type TrackedProposal } from '../replication/proposal-tracker';
import type { RaftTimings } from '../replication/raft-timings';
import { EntryKind, type EntryHeader, type LogConfig, type PartitionLog, type ReadResult } from '../storage/types';
import { ChangeSignal } from './change-signal';
import { DEFAULT_PRODUCER_ID_EXPIRATION_MS, ProducerStateTable } from './producer-state';
import { rebuildProducerState } from './producer-state-rebuild';
import { ProducerSnapshotSchedule } from './producer-snapshots';
import { NotLeaderError, type PartitionReplica, type ProduceInput, type ProduceOutcome } from './replica';
import type { ReadLease } from '../storage/read-buffers';
import { AppendUndoneError } from '../storage/segment-appender';
import { GroupRestarts } from './group-restarts';

interface PendingProposal extends TrackedProposal<ProduceOutcome> {
  readonly baseOffset: number;
  readonly appendTimeMs: number;
  /** performance.now() at the proposal. */
  readonly proposedAtMs: number;
}

export interface ReplicatedPartitionOptions {
  readonly topicPartition: TopicPartition;
  readonly log: PartitionLog;
  readonly nodeId: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The gRPC address of a broker, for NOT_LEADER hints. */
  readonly addressOf: (brokerId: number) => string | undefined;
  /** After committed entries are applied (the broker's membership work follows commits: ReplicaMembership). */
  readonly onCommitted?: (partition: ReplicatedPartition) => void;
  /** Where proposal-to-commit times go (the broker's /metrics). */
  readonly timings?: RaftTimings;
  /** The broker's producerIdExpirationMs; default DEFAULT_PRODUCER_ID_EXPIRATION_MS. */
  readonly producerIdExpirationMs?: number;
  /**
   * Starts the group again over the same log, as a broker restart would (open-replicated.ts). An
   * only voter does so after an append that failed and was undone (a full disk), so that it takes
   * writes again once the disk has room; any other failure keeps the partition stopped.
   */
  readonly restartGroup?: () => Promise<void>;
}

export class ReplicatedPartition implements PartitionReplica, RaftStateMachine {
  readonly topicPartition: TopicPartition;
  readonly changed = new ChangeSignal();
  /** Exact for the appended log once restoreProducers has run (the leader's proposals on top). */
  private readonly producers = new ProducerStateTable();
  private readonly producerSnapshots: ProducerSnapshotSchedule;
  /** Every produce and retry waiting for its batch (see proposal-tracker.ts). */
  private readonly proposals: ProposalTracker<PendingProposal, ProduceOutcome>;
  private driver: RaftGroup | undefined;
  private leader: number | null = null;
  private isLeader = false;
  private term = 0;
  /** End offset of the last committed entry = the high watermark. */
  private committedEndOffset: number;
  /** Next offset a proposal will get (leader only). */
  private nextOffset = 0;
  private failure: string | undefined;
  private committedInTerm = false;
  /** An only voter's restarts of its group after undone appends (with options.restartGroup). */
  private readonly restarts: GroupRestarts | undefined;

  constructor(
    private readonly options: ReplicatedPartitionOptions,
    committedEndOffset: number,
  ) {
    this.topicPartition = options.topicPartition;
    this.committedEndOffset = committedEndOffset;
    this.proposals = new ProposalTracker<PendingProposal, ProduceOutcome>({
      stored: (proposal) => this.success(proposal.baseOffset, proposal.appendTimeMs),
      replaced: () => ({ ok: false, code: ErrorCode.NOT_LEADER, message: `${this.name}: the batch was replaced by a new leader's log; retry` }),
      unknown: outcomeUnknown,
      forDuplicate: asDuplicate,
    });
    this.producerSnapshots = new ProducerSnapshotSchedule(options.log, options.logger);
    const restartGroup = options.restartGroup;
    this.restarts = restartGroup && new GroupRestarts(
      { restart: restartGroup, leading: () => this.isLeader && this.committedInTerm, changed: this.changed, giveUp: (reason) => (this.failure = reason) },
      options.logger,
      this.name,
    );
  }

  /** The end offset of the entry at `applied` (what the high watermark is after a restart). */
  static async committedEndOffsetAt(log: PartitionLog, applied: number): Promise<number> {
    if (applied < log.firstRaftIndex) return log.logStartOffset;
    const [entry] = await log.readByRaftIndex(asRaftIndex(applied), asRaftIndex(applied + 1), 1);
    return entry ? entry.header.baseOffset + entry.header.recordCount : log.logStartOffset;
  }

  attach(driver: RaftGroup): void {
    this.driver = driver;
  }

  get highWatermark(): number {
    return this.committedEndOffset;
  }
  get logStartOffset(): number {
    return this.options.log.logStartOffset;
  }
  get logEndOffset(): number {
    return this.options.log.logEndOffset;
  }
  get leaderEpoch(): number {
    return this.term;
  }
  get sizeBytes(): number {
    return this.options.log.sizeBytes;
  }
  get leaderId(): number | null {
    return this.leader;
  }
  /** This replica's view of the Raft group's voters and learners (the leader's is authoritative). */
  get membership(): ConfigState {
    return this.driver?.config ?? { voters: [], learners: [] };
  }
  get caughtUp(): boolean {
    return this.isLeader && this.committedInTerm;
  }

  produce(input: ProduceInput): Promise<ProduceOutcome> {
    // A produce during a restart waits for it (once): the restarted group may take it.
    const restart = this.restarts?.running;
    if (restart) return restart.then(() => this.propose(input));
    return this.propose(input);
  }

  private propose(input: ProduceInput): Promise<ProduceOutcome> {
    const failure = this.failure ?? this.restarts?.reason;
    if (failure) return Promise.resolve({ ok: false, code: ErrorCode.STORAGE_ERROR, message: failure });
    const driver = this.driver;
    if (!driver || !this.isLeader) return Promise.resolve(this.notLeader());
    const check = this.producers.check(input);
    if (check.kind === 'reject') return Promise.resolve({ ok: false, code: check.code, message: check.message });
    if (check.kind === 'duplicate') return this.answerDuplicate(input, check.baseOffset);

    const appendTimeMs = this.options.clock.nowMs();
    const facts: BatchFacts = {
      recordCount: input.recordCount, producerId: input.producerId, producerEpoch: input.producerEpoch, baseSequence: input.baseSequence,
      maxTimestampMs: input.maxTimestampMs > 0 ? input.maxTimestampMs : appendTimeMs, appendTimeMs,
    };
    // Encoded before it is proposed: a batch the entry header cannot hold is answered here, alone,
    // and never enters the Raft log, whose shared append it would fail (docs/storage.md).
    let encoded: Buffer;
    try {
      // The only voter keeps the batch apart from its entry prefix instead of copying it behind
      // (Entry.prefix): it goes on the wire only if the group grows (entryPayload joins them then).
      encoded = this.isSoleVoter ? encodePrefix(facts, input.batchCrc32c) : encodeEntryData(facts, input.batch, input.batchCrc32c);
    } catch (error) {
      if (!(error instanceof UnstorableEntryError)) throw error;
      return Promise.resolve({ ok: false, code: error.code, message: `${this.name}: ${error.message}` });
    }
    const proposed = this.isSoleVoter ? driver.propose(input.batch, encoded) : driver.propose(encoded);
    if (!proposed.ok) return Promise.resolve(this.notLeader());
    const baseOffset = this.nextOffset;
    this.nextOffset += input.recordCount;
    this.producers.recordProposed(input, baseOffset, appendTimeMs);
    const outcome = new Promise<ProduceOutcome>((resolve) =>
      this.proposals.track(proposed.index, { term: proposed.term, answerWhenAppended: input.acks === 'leader' || testFault('ack-before-commit'), resolve, appended: false, duplicates: undefined, baseOffset, appendTimeMs, proposedAtMs: performance.now() }),
    );
    if (input.acks === 'none') return Promise.resolve({ ok: true, code: ErrorCode.NONE, baseOffset: -1, appendTimeMs: -1, logStartOffset: this.logStartOffset });
    return outcome;
  }

  read(offset: number, maxBytes: number, lease?: ReadLease): Promise<ReadResult> {
    if (!this.isLeader) throw this.notLeaderError();
    if (!this.committedInTerm) {
      // Until an entry of its own term commits, a new leader does not know the true commit point
      // (thesis §6.4): answering from its stale high watermark would hide committed records.
      throw new NotLeaderError(`${this.name}: the new leader (term ${this.term}) has not established its commit point yet; retry`, '');
    }
    const log = this.options.log;
    if (offset < log.logStartOffset || offset > log.logEndOffset) {
      throw new SluiceError(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `offset ${offset} is out of range for ${this.name}: ${describeHeldOffsets(log.logStartOffset, this.committedEndOffset)}; fetch from an offset ${fetchableOffsets(log.logStartOffset, this.committedEndOffset)}`,
      );
    }
    if (offset >= this.committedEndOffset) return Promise.resolve({ entries: [], bytes: 0 });
    return log.read(offset as Offset, this.committedEndOffset as Offset, maxBytes, lease);
  }

  offsetForTimestamp(timestampMs: number): Promise<Offset | undefined> {
    return this.options.log.offsetForTimestamp(timestampMs);
  }

  updateConfig(config: LogConfig): void {
    this.options.log.updateConfig(config);
  }

  async applyRetention(): Promise<number> {
    const nowMs = this.options.clock.nowMs();
    this.producers.expireBefore(nowMs - (this.options.producerIdExpirationMs ?? DEFAULT_PRODUCER_ID_EXPIRATION_MS));
    const deleted = await this.options.log.applyRetention(nowMs);
    if (deleted > 0) this.changed.notify();
    return deleted;
  }

  async destroy(): Promise<void> {
    await this.close();
    await this.driver?.forgetState();
  }

  async close(): Promise<void> {
    await this.driver?.stop();
    this.proposals.failAll(`${this.name} closed on this broker before the batch committed`);
    if (this.failure) return;
    // Kept with the log's clean close, so that the next open knows every producer at once.
    this.options.log.setCloseAnnex(this.producers.snapshot());
  }

  /**
   * At open, before the group runs: the producer table a clean close kept with the log, else the
   * table rebuilt from the newest producer-state snapshot and the log after it.
   */
  async restoreProducers(annex: unknown): Promise<void> {
    if (!this.producers.restore(annex)) await rebuildProducerState(this.options.log, this.producers, this.options.logger);
  }

  // --- RaftStateMachine -------------------------------------------------------------------

  onAppended(entries: readonly Entry[], headers: readonly EntryHeader[]): void {
    headers.forEach((header, i) => {
      if (header.kind !== EntryKind.DATA) return;
      if (header.producerId > 0) this.producers.record(header, header.baseOffset, header.appendTimeMs, header.crc);
      this.proposals.appended(entries[i]!.index, header.term);
    });
    this.producerSnapshots.afterAppend(headers, this.producers);
  }

  async onTruncated(fromIndex: number): Promise<void> {
    // Gone from this log, but another replica may still hold it and commit it later.
    this.proposals.truncated(fromIndex, `${this.name}: the batch was truncated from this replica's log before it committed`);
    // The log's snapshots of the removed entries went with them (PartitionLog.truncateSuffix).
    await rebuildProducerState(this.options.log, this.producers, this.options.logger);
  }

  onSnapshotInstalled(_snapshotIndex: number, logStartOffset: number): void {
    this.committedEndOffset = Math.max(this.committedEndOffset, logStartOffset);
    this.producers.clear();
    this.changed.notify();
  }

  onCommitted(entries: readonly Entry[]): void {
    for (const entry of entries) {
      if (entry.term === this.term) this.committedInTerm = true;
      if (entry.type === 'normal') this.committedEndOffset += recordCountOf(entry);
      const proposal = this.proposals.committed(entry.index, entry.term);
      if (proposal) this.options.timings?.commit.observe((performance.now() - proposal.proposedAtMs) / 1000);
    }
    this.changed.notify();
    this.options.onCommitted?.(this);
  }

  onSoftState(soft: SoftState, term: number): void {
    const wasLeader = this.isLeader;
    if (term !== this.term) this.committedInTerm = false;
    this.term = term;
    this.leader = soft.leader;
    this.isLeader = soft.role === 'leader';
    if (this.isLeader && !wasLeader) {
      this.options.logger.info({ term }, `node ${this.options.nodeId} became leader of ${this.name} at term ${term}`);
      this.prepareLeadership();
    } else if (!this.isLeader && wasLeader) {
      this.producers.dropProposed();
      this.proposals.failAll(`${this.name}: leadership moved before the batch committed`);
    }
    this.changed.notify();
  }

  onFailed(error: Error): void {
    this.failure = `${this.name} stopped on this broker after a storage failure (${error.message}); restart the broker to recover it`;
    // It leads nothing any more (its group hands leadership off): nobody should be sent here.
    this.isLeader = false;
    this.leader = null;
    this.failUnwrittenOfSoleVoter(this.failure);
    this.proposals.failAll(this.failure);
    // An undone append left the log as it was: an only voter starts its group again over it.
    if (error instanceof AppendUndoneError && this.restarts && this.isSoleVoter) {
      this.restarts.begin(this.failure);
      this.failure = undefined;
    }
    this.changed.notify();
  }

  private get isSoleVoter(): boolean {
    const { voters, learners } = this.membership;
    return voters.length === 1 && voters[0] === this.options.nodeId && learners.length === 0;
  }

  // --- helpers ------------------------------------------------------------------------------

  /**
   * Every replica records the batches it appends on top of the table restored at open, so a new
   * leader knows every producer of its log. (Until 2026-12-07 every leadership rebuilt the table
   * from the log's tail alone: a producer whose last batch lay further back was forgotten at each
   * leader change, and its retried batch appended again.)
   */
  private prepareLeadership(): void {
    this.producers.dropProposed();
    this.nextOffset = this.options.log.logEndOffset;
  }

  /**
   * A retry of a batch this replica holds or proposed: answered with the original. A retry of an
   * in-flight proposal succeeds or fails with it; a retry of an appended, uncommitted batch of an
   * earlier term waits for the commit (ProposalTracker: it fails when this replica may lose track).
   */
  private answerDuplicate(input: ProduceInput, baseOffset: number): Promise<ProduceOutcome> {
    const duplicate: ProduceOutcome = { ok: true, code: ErrorCode.DUPLICATE_SEQUENCE, baseOffset, appendTimeMs: -1, logStartOffset: this.logStartOffset };
    if (input.acks === 'none') return Promise.resolve(duplicate);
    const original = this.proposals.find((proposal) => proposal.baseOffset === baseOffset);
    if (original) return new Promise((resolve) => this.proposals.addDuplicate(original, input.acks === 'leader', resolve));
    if (input.acks === 'leader' || baseOffset + input.recordCount <= this.committedEndOffset) return Promise.resolve(duplicate);
    // The batch is in this log (the table records appended batches), so at or below its last index.
    return new Promise((resolve) => this.proposals.waitForCommit(this.options.log.lastRaftIndex, duplicate, resolve));
  }

  /**
   * The only voter of a group holds every copy: a proposal that never reached its log (its write
   * failed, or came after the failure) is certainly not stored, and says so (STORAGE_ERROR), so
   * that a producer need not treat it as possibly stored. Written ones stay unknown: the fsync
   * that failed may still have put them on disk.
   */
  private failUnwrittenOfSoleVoter(reason: string): void {
    if (!this.isSoleVoter) return;
    this.proposals.failAfter(this.options.log.lastRaftIndex, { ok: false, code: ErrorCode.STORAGE_ERROR, message: `${reason}; the batch was not written: it is not stored` });
  }

  private success(baseOffset: number, appendTimeMs: number): ProduceOutcome {
    return { ok: true, code: ErrorCode.NONE, baseOffset, appendTimeMs, logStartOffset: this.logStartOffset };
  }

  private notLeader(): ProduceOutcome {
    const error = this.notLeaderError();
    return { ok: false, code: ErrorCode.NOT_LEADER, message: error.message, leaderHint: error.leaderHint };
  }

  private notLeaderError(): NotLeaderError {
    const hint = this.leader !== null && this.leader !== this.options.nodeId ? (this.options.addressOf(this.leader) ?? '') : '';
    const who = this.leader === null ? 'no leader is elected yet' : this.leader === this.options.nodeId ? 'this broker is becoming its leader' : `broker ${this.leader} leads it`;
    return new NotLeaderError(`broker ${this.options.nodeId} is not the leader of ${this.name}: ${who}`, hint);
  }

  private get name(): string {
    return `${this.topicPartition.topic}/${this.topicPartition.partition}`;
  }
}

function asDuplicate(outcome: ProduceOutcome): ProduceOutcome {
  return outcome.ok ? { ...outcome, code: ErrorCode.DUPLICATE_SEQUENCE, appendTimeMs: -1 } : outcome;
}

function outcomeUnknown(reason: string): ProduceOutcome {
  return {
    ok: false,
    code: ErrorCode.OUTCOME_UNKNOWN,
    message: `${reason}; it may still be committed by another replica: resend the same batch (an idempotent retry is answered DUPLICATE_SEQUENCE if it was stored)`,
  };
}
