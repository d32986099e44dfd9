// The controller: a Raft group over the brokers whose log holds metadata commands. Every broker
// applies the committed commands in order to the same deterministic state machine; only the
// group's leader proposes. Entries use the partition entry format (one "record" per command)
// so that the metadata log is stored like any partition log.
import type { Clock } from '../../common/clock';
import { ErrorCode } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { ChangeSignal } from '../../partition/change-signal';
import type { Entry, SoftState } from '../../raft';
import type { RaftGroup, RaftStateMachine } from '../../replication/raft-group';
import { encodeEntryData, PREFIX_BYTES } from '../../replication/partition-entry';
import { ProposalTracker, type TrackedProposal } from '../../replication/proposal-tracker';
import type { EntryHeader } from '../../storage/types';
import type { CommandOutcome } from '../../metadata/apply-command';


/** The deterministic state machine the commands drive. */
export interface CommandMachine {
  apply(command: Uint8Array, index: number): CommandOutcome;
}

/** A command's proposal; a command has no retries, so nothing waits on it but its proposer. */
type PendingCommand = TrackedProposal<CommandOutcome>;

const notLeader = (message: string): CommandOutcome => ({ ok: false, code: ErrorCode.NOT_LEADER, message });

export class MetadataRaftGroup implements RaftStateMachine {
  /** Fires after every batch of applied commands. */
  readonly changed = new ChangeSignal();
  private driver: RaftGroup | undefined;
  /** Answers every proposer (see proposal-tracker.ts); a lost command is answered NOT_LEADER, for the proposer to retry. */
  private readonly proposals = new ProposalTracker<PendingCommand, CommandOutcome>({
    stored: () => ({ ok: true }), // entries without a command of their own (onCommitted gives each command's outcome)
    replaced: () => notLeader('the metadata leader changed; retry'),
    unknown: (reason) => notLeader(`${reason}; retry`),
    forDuplicate: (outcome) => outcome,
  });
  private leader: number | null = null;
  private isLeader = false;
  private term = 0;
  private appliedIndex = 0;
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly machine: CommandMachine,
    private readonly nodeId: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  attach(driver: RaftGroup): void {
    this.driver = driver;
  }

  get leaderId(): number | null {
    return this.leader;
  }

  get leading(): boolean {
    return this.isLeader;
  }

  get applied(): number {
    return this.appliedIndex;
  }

  /** Called (synchronously, in order) after commands are applied. */
  onApplied(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Leader only: proposes a command and resolves with its outcome once committed and applied. */
  propose(command: Uint8Array): Promise<CommandOutcome> {
    const driver = this.driver;
    if (!driver || !this.isLeader) {
      return Promise.resolve({ ok: false, code: ErrorCode.NOT_LEADER, message: `broker ${this.nodeId} is not the metadata leader (leader: ${this.leader ?? 'none yet'})` });
    }
    const now = this.clock.nowMs();
    const data = encodeEntryData({ recordCount: 1, maxTimestampMs: now, appendTimeMs: now, producerId: 0, producerEpoch: 0, baseSequence: 0 }, command);
    const proposed = driver.propose(data);
    if (!proposed.ok) return Promise.resolve({ ok: false, code: ErrorCode.NOT_LEADER, message: `metadata proposal refused: ${proposed.reason}` });
    return new Promise((resolve) => this.proposals.track(proposed.index, { term: proposed.term, answerWhenAppended: false, resolve, appended: false, duplicates: undefined }));
  }

  onAppended(_entries: readonly Entry[], _headers: readonly EntryHeader[]): void {}

  async onTruncated(fromIndex: number): Promise<void> {
    this.proposals.truncated(fromIndex, 'the metadata leader changed before the command committed');
  }

  onSnapshotInstalled(): void {
    throw new Error('the metadata log is never truncated below its start, so it never installs a snapshot');
  }

  onCommitted(entries: readonly Entry[]): void {
    for (const entry of entries) {
      this.appliedIndex = entry.index;
      if (entry.type !== 'normal' || entry.data.byteLength === 0) {
        this.proposals.committed(entry.index, entry.term);
        continue;
      }
      let outcome: CommandOutcome;
      try {
        outcome = this.machine.apply(entry.data.subarray(PREFIX_BYTES), entry.index);
      } catch (error) {
        this.logger.error({ err: error, index: entry.index }, 'metadata command failed to apply');
        outcome = { ok: false, code: ErrorCode.UNKNOWN, message: `metadata command at index ${entry.index} failed: ${(error as Error).message}` };
      }
      this.proposals.committed(entry.index, entry.term, outcome);
    }
    for (const listener of this.listeners) listener();
    this.changed.notify();
  }

  onSoftState(soft: SoftState, term: number): void {
    const was = this.isLeader;
    this.leader = soft.leader;
    this.isLeader = soft.role === 'leader';
    this.term = term;
    if (this.isLeader && !was) this.logger.info({ term }, `node ${this.nodeId} became the metadata leader at term ${term}`);
    if (was && !this.isLeader) this.proposals.failAll('the metadata leader changed');
    this.changed.notify();
  }

  onFailed(error: Error): void {
    this.logger.fatal({ err: error }, 'the metadata group stopped after a storage failure');
    this.isLeader = false;
    this.proposals.failAll(`the metadata group stopped on broker ${this.nodeId} after a storage failure (${error.message})`);
  }

  /** The broker stops (after its metadata group's driver): commands still waiting are answered. */
  close(): void {
    this.isLeader = false;
    this.proposals.failAll(`broker ${this.nodeId} stopped before the metadata command committed`);
  }

  get currentTerm(): number {
    return this.term;
  }
}
