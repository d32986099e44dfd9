// One replica of a partition that is a Raft group (DESIGN §6): produce proposes the batch and
// answers once it is committed (acks=all: fsynced on a majority) or appended by the leader
// (acks=leader); the high watermark is the end offset of the last committed entry, so a consumer
// never sees a record that could be rolled back. Only the leader serves produce and fetch.
import type { Clock } from '../common/clock';
import { ErrorCode, SluiceError } from '../common/errors';
import { asNodeId, asRaftIndex, type Offset, type TopicPartition } from '../common/ids';
import type { Logger } from '../common/logger';
import type { ConfigState, Entry, RaftStatus, SoftState } from '../raft';
import type { GroupDriver, GroupStateMachine } from '../replication/group-driver';
import { encodeEntryData, encodePrefix, recordCountOf } from '../replication/partition-entry';
import type { RaftTimings } from '../replication/raft-timings';
import { EntryKind, type EntryHeader, type LogConfig, type PartitionLog, type ReadResult } from '../storage/types';
import { ChangeSignal } from './change-signal';
import type { Acks, ProduceInput, ProduceOutcome } from './partition';
import { DEFAULT_PRODUCER_ID_EXPIRATION_MS, ProducerStateTable } from './producer-state';
import { rebuildProducerState } from './producer-state-rebuild';
import { ProducerSnapshotSchedule } from './producer-snapshots';
import { NotLeaderError, type PartitionReplica } from './replica';
import { OffsetWaiters } from './offset-waiters';
import { nextMembershipStep, type LeaderView } from './membership-plan';
import type { ReadLease } from '../storage/read-buffers';

interface PendingProposal {
  readonly term: number;
  readonly input: ProduceInput;
  readonly baseOffset: number;
  readonly appendTimeMs: number;
  /** performance.now() at the proposal. */
  readonly proposedAtMs: number;
  readonly resolve: (outcome: ProduceOutcome) => void;
  /** Retries of this batch that arrived while it was in flight: each is answered with it (answerDuplicate). */
  retries?: PendingRetry[];
}

interface PendingRetry {
  readonly acks: Acks;
  readonly resolve: (outcome: ProduceOutcome) => void;
}

export interface ReplicatedPartitionOptions {
  readonly topicPartition: TopicPartition;
  readonly log: PartitionLog;
  readonly nodeId: number;
  readonly replicaIds: readonly number[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** The gRPC address of a broker, for NOT_LEADER hints. */
  readonly addressOf: (brokerId: number) => string | undefined;
  /** Leader only: the group's voters now equal `replicas`, so retiring replicas can go (see setAssignment). */
  readonly onReassigned?: (replicas: readonly number[]) => Promise<void>;
  /** Where proposal-to-commit times go (the broker's /metrics). */
  readonly timings?: RaftTimings;
  /** The broker's producerIdExpirationMs; default DEFAULT_PRODUCER_ID_EXPIRATION_MS. */
  readonly producerIdExpirationMs?: number;
}

/** How often a finished reassignment is reported again while the metadata still lists retiring replicas. */
const REPORT_RETRY_MS = 2000;

export class ReplicatedPartition implements PartitionReplica, GroupStateMachine {
  readonly topicPartition: TopicPartition;
  readonly changed = new ChangeSignal();
  /** The assigned replicas (preferred leader first), which the leader makes the group's voters. */
  private target: readonly number[];
  /** Replicas leaving the partition that the metadata still waits on (see setAssignment). */
  private retiring: readonly number[] = [];
  private lastReportMs = 0;
  /** The leader found the group's voters equal to the assignment and nothing left to report. */
  private membershipSettled = false;
  /** Exact for the appended log once restoreProducers has run (the leader's proposals on top). */
  private readonly producers = new ProducerStateTable();
  private readonly producerSnapshots: ProducerSnapshotSchedule;
  private readonly pending = new Map<number, PendingProposal>();
  /**
   * Retries of batches appended here but not yet committed, waiting for the commit. Every one
   * fails (OUTCOME_UNKNOWN) when this replica may lose track of its batch: leadership loss,
   * truncation, close, storage failure (failAll).
   */
  private readonly committedWaiters: OffsetWaiters;
  private driver: GroupDriver | undefined;
  private leader: number | null = null;
  private isLeader = false;
  private term = 0;
  /** End offset of the last committed entry = the high watermark. */
  private committedEndOffset: number;
  /** Next offset a proposal will get (leader only). */
  private nextOffset = 0;
  private failure: string | undefined;
  private committedInTerm = false;

  constructor(
    private readonly options: ReplicatedPartitionOptions,
    committedEndOffset: number,
  ) {
    this.topicPartition = options.topicPartition;
    this.target = options.replicaIds;
    this.committedEndOffset = committedEndOffset;
    this.committedWaiters = new OffsetWaiters(committedEndOffset);
    this.producerSnapshots = new ProducerSnapshotSchedule(options.log, options.logger);
  }

  /** The end offset of the entry at `applied` (what the high watermark is after a restart). */
  static async committedEndOffsetAt(log: PartitionLog, applied: number): Promise<number> {
    if (applied < log.firstRaftIndex) return log.logStartOffset;
    const [entry] = await log.readByRaftIndex(asRaftIndex(applied), asRaftIndex(applied + 1), 1);
    return entry ? entry.header.baseOffset + entry.header.recordCount : log.logStartOffset;
  }

  attach(driver: GroupDriver): void {
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
  get replicaIds(): readonly number[] {
    return this.target;
  }
  /** This replica's view of the Raft group's voters and learners (the leader's is authoritative). */
  get membership(): ConfigState {
    return this.driver?.node.status().config ?? { voters: [], learners: [] };
  }
  get caughtUp(): boolean {
    return this.isLeader && this.committedInTerm;
  }

  produce(input: ProduceInput): Promise<ProduceOutcome> {
    if (this.failure) return Promise.resolve({ ok: false, code: ErrorCode.STORAGE_ERROR, message: this.failure });
    const driver = this.driver;
    if (!driver || !this.isLeader) return Promise.resolve(this.notLeader());
    const check = this.producers.check(input);
    if (check.kind === 'reject') return Promise.resolve({ ok: false, code: check.code, message: check.message });
    if (check.kind === 'duplicate') return this.answerDuplicate(input, check.baseOffset);

    const appendTimeMs = this.options.clock.nowMs();
    const facts = { ...input, maxTimestampMs: input.maxTimestampMs > 0 ? input.maxTimestampMs : appendTimeMs, appendTimeMs };
    // Assigned to this broker alone, the entry keeps the batch apart from its prefix instead of
    // copying it behind (Entry.prefix): it goes on the wire only while the group shrinks to one.
    const alone = this.target.length === 1 && this.target[0] === this.options.nodeId;
    const proposed = alone ? driver.node.propose(input.batch, encodePrefix(facts, input.batchCrc32c)) : driver.node.propose(encodeEntryData(facts, input.batch, input.batchCrc32c));
    if (!proposed.ok) return Promise.resolve(this.notLeader());
    const baseOffset = this.nextOffset;
    this.nextOffset += input.recordCount;
    this.producers.recordProposed(input, baseOffset, appendTimeMs);
    const outcome = new Promise<ProduceOutcome>((resolve) => this.pending.set(proposed.index, { term: proposed.term, input, baseOffset, appendTimeMs, proposedAtMs: performance.now(), resolve }));
    driver.schedule();
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
        `offset ${offset} is out of range for ${this.name}: valid offsets are [${log.logStartOffset}, ${log.logEndOffset}]`,
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
    this.failAll(`${this.name} closed on this broker before the batch committed`);
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

  /**
   * Preferred-leader balancing: a leader that is not the partition's preferred replica (the first
   * assigned) hands leadership to it once it has caught up, so leaders spread evenly again after
   * a broker returns. Returns whether a transfer started.
   */
  maybeTransferToPreferred(): boolean {
    const driver = this.driver;
    const preferred = this.target[0];
    if (!driver || !this.isLeader || !this.committedInTerm || preferred === undefined || preferred === this.options.nodeId) return false;
    const status = driver.node.status();
    const target = status.progress.find((p) => p.id === preferred);
    if (!target || target.match < status.lastIndex) return false;
    const started = driver.node.transferLeadership(asNodeId(preferred));
    if (started) {
      this.options.logger.info({ partition: this.name, to: preferred }, `node ${this.options.nodeId} hands leadership of ${this.name} to its preferred replica ${preferred}`);
      driver.schedule();
    }
    return started;
  }

  /**
   * The metadata assigned new replicas: the leader adds, promotes and removes Raft members one at
   * a time until the voters equal `replicas`, then reports it so that the metadata lets the
   * `retiring` replicas delete their copies (never before: they may still be needed for a majority).
   */
  setAssignment(replicas: readonly number[], retiring: readonly number[]): void {
    this.target = replicas;
    this.retiring = retiring;
    this.membershipSettled = false;
    this.driveMembership();
  }

  /** Leader only: whether membership work may remain (driveMembership should be called again later). */
  get membershipUnsettled(): boolean {
    return this.isLeader && !this.membershipSettled;
  }

  /** Leader only: takes the next membership step towards the assignment, if one can be taken now. */
  driveMembership(): void {
    const driver = this.driver;
    if (!driver || !this.isLeader || !this.committedInTerm) return;
    const view = this.leaderView();
    const step = nextMembershipStep(view, this.target);
    switch (step.kind) {
      case 'change': {
        const proposed = driver.node.proposeConfChange(step.change);
        if (proposed.ok) {
          this.options.logger.info({ partition: this.name, change: step.change }, `${this.name}: ${step.change.type} node ${step.change.node} (voters ${view.config.voters.join(',')})`);
          driver.schedule();
        }
        return;
      }
      case 'transfer':
        if (driver.node.transferLeadership(step.to)) {
          this.options.logger.info({ partition: this.name, to: step.to }, `${this.name}: leaving the group, hands leadership to ${step.to}`);
          driver.schedule();
        }
        return;
      case 'wait':
        return;
      case 'done':
        if (view.configIndex > view.commit) return;
        if (this.retiring.length > 0) this.reportReassigned();
        else this.membershipSettled = true;
    }
  }

  private leaderView(): ReturnType<typeof toLeaderView> {
    return toLeaderView(this.driver!.node.status(), this.options.nodeId);
  }

  private reportReassigned(): void {
    const now = this.options.clock.nowMs();
    if (!this.options.onReassigned || now - this.lastReportMs < REPORT_RETRY_MS) return;
    this.lastReportMs = now;
    this.options.onReassigned(this.target).catch((error: unknown) => {
      this.options.logger.warn({ partition: this.name, err: error }, `${this.name}: reporting the finished reassignment failed; will retry`);
    });
  }

  // --- GroupStateMachine -------------------------------------------------------------------

  onAppended(entries: readonly Entry[], headers: readonly EntryHeader[]): void {
    headers.forEach((header, i) => {
      if (header.kind !== EntryKind.DATA) return;
      if (header.producerId > 0) this.producers.record(header, header.baseOffset, header.appendTimeMs, header.crc);
      const proposal = this.pending.get(entries[i]!.index);
      if (proposal && proposal.term === header.term && (proposal.input.acks === 'leader' || proposal.retries !== undefined)) {
        this.answerAppended(entries[i]!.index, proposal);
      }
    });
    this.producerSnapshots.afterAppend(headers, this.producers);
  }

  async onTruncated(fromIndex: number): Promise<void> {
    for (const [index, proposal] of this.pending) {
      if (index >= fromIndex) {
        this.pending.delete(index);
        // Gone from this log, but another replica may still hold it and commit it later.
        settle(proposal, outcomeUnknown(`${this.name}: the batch was truncated from this replica's log before it committed`));
      }
    }
    this.committedWaiters.failAbove(this.committedEndOffset, new Error(`${this.name}: the log was truncated before the batch committed`));
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
      const proposal = this.pending.get(entry.index);
      if (!proposal) continue;
      this.pending.delete(entry.index);
      if (proposal.term === entry.term) {
        this.options.timings?.commit.observe((performance.now() - proposal.proposedAtMs) / 1000);
        settle(proposal, this.success(proposal.baseOffset, proposal.appendTimeMs));
      } else {
        // Another entry committed at its index, and an entry never moves: it is certainly not stored.
        settle(proposal, { ok: false, code: ErrorCode.NOT_LEADER, message: `${this.name}: the batch was replaced by a new leader's log; retry` });
      }
    }
    this.committedWaiters.advanceTo(this.committedEndOffset);
    this.changed.notify();
    if (this.isLeader && !this.membershipSettled) this.driveMembership();
  }

  onSoftState(soft: SoftState, term: number): void {
    const wasLeader = this.isLeader;
    if (term !== this.term) this.committedInTerm = false;
    this.term = term;
    this.leader = soft.leader;
    this.isLeader = soft.role === 'leader';
    if (this.isLeader && !wasLeader) {
      this.options.logger.info({ partition: this.name, term }, `node ${this.options.nodeId} became leader of ${this.name} at term ${term}`);
      this.membershipSettled = false;
      this.prepareLeadership();
    } else if (!this.isLeader && wasLeader) {
      this.producers.dropProposed();
      this.failAll(`${this.name}: leadership moved before the batch committed`);
    }
    this.changed.notify();
  }

  onFailed(error: Error): void {
    this.failure = `${this.name} stopped on this broker after a storage failure (${error.message}); restart the broker to recover it`;
    // It leads nothing any more (its group hands leadership off): nobody should be sent here.
    this.isLeader = false;
    this.leader = null;
    this.failAll(this.failure);
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
   * in-flight proposal succeeds or fails with it; a retry of an appended, uncommitted batch waits
   * for the commit and fails when this replica may lose track of it (failAll).
   */
  private async answerDuplicate(input: ProduceInput, baseOffset: number): Promise<ProduceOutcome> {
    const duplicate: ProduceOutcome = { ok: true, code: ErrorCode.DUPLICATE_SEQUENCE, baseOffset, appendTimeMs: -1, logStartOffset: this.logStartOffset };
    if (input.acks === 'none') return duplicate;
    for (const proposal of this.pending.values()) {
      if (proposal.baseOffset === baseOffset) return new Promise((resolve) => (proposal.retries ??= []).push({ acks: input.acks, resolve }));
    }
    if (input.acks === 'all') {
      try {
        await this.committedWaiters.waitFor(baseOffset + input.recordCount);
      } catch (error) {
        return outcomeUnknown((error as Error).message);
      }
    }
    return duplicate;
  }

  /** A proposal of this term is in the log: answer those that asked for acks=leader. */
  private answerAppended(index: number, proposal: PendingProposal): void {
    const appended = this.success(proposal.baseOffset, proposal.appendTimeMs);
    const retries = proposal.retries ?? [];
    const waitingForCommit = retries.filter((retry) => retry.acks === 'all');
    for (const retry of retries) if (retry.acks !== 'all') retry.resolve(asDuplicate(appended));
    proposal.retries = waitingForCommit;
    if (proposal.input.acks !== 'leader') return;
    this.pending.delete(index);
    proposal.resolve(appended);
    const end = proposal.baseOffset + proposal.input.recordCount;
    for (const retry of waitingForCommit) {
      this.committedWaiters.waitFor(end).then(
        () => retry.resolve(asDuplicate(appended)),
        (error: unknown) => retry.resolve(outcomeUnknown((error as Error).message)),
      );
    }
  }

  /**
   * Every proposal in flight and every retry waiting for a commit fails with OUTCOME_UNKNOWN:
   * their batches were proposed, and another replica may hold them and commit them later.
   */
  private failAll(reason: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    const outcome = outcomeUnknown(reason);
    for (const proposal of pending) settle(proposal, outcome);
    this.committedWaiters.failAbove(this.committedEndOffset, new Error(reason));
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

/** Answers a proposal and every retry that waited on it. */
function settle(proposal: PendingProposal, outcome: ProduceOutcome): void {
  proposal.resolve(outcome);
  const answer = asDuplicate(outcome);
  for (const retry of proposal.retries ?? []) retry.resolve(answer);
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

function toLeaderView(status: RaftStatus, self: number): LeaderView & { configIndex: number } {
  return { self, config: status.config, commit: status.commit, progress: status.progress, configIndex: status.configIndex };
}
